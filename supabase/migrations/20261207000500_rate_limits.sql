-- Rate-limit counters shared by every API process (RATE_LIMIT_STORE=postgres; docs/security.md).
-- Unlogged: counters that a crash resets cost nothing, and they are written on every request.
-- Keyed by limit and caller (user, token or IP), not by workspace: no tenant data, no RLS.
create unlogged table if not exists rate_limit_hits (
  key            text primary key,
  hits           integer not null,
  window_ends    timestamptz not null,
  blocked_until  timestamptz
);
create index if not exists rate_limit_hits_expiry_idx on rate_limit_hits (window_ends);
