-- Personal API tokens for scripts and agents (docs/security.md#api-tokens). A token is
-- `orch_<prefix>_<secret>`: the prefix finds the row, and only the secret's SHA-256 is stored.
-- The token acts as its user in its workspace with the lower of `role_ceiling` and the user's
-- membership role at the time of each request; without a membership it is refused.
create table if not exists api_tokens (
  id            uuid primary key default gen_random_uuid(),
  workspace_id  uuid not null references workspaces(id) on delete cascade,
  user_id       uuid not null references users(id) on delete cascade,
  name          text not null check (length(name) between 1 and 100),
  prefix        text not null unique check (prefix ~ '^[a-z2-7]{8}$'),
  secret_hash   bytea not null check (length(secret_hash) = 32),
  role_ceiling  text not null check (role_ceiling in ('admin', 'approver', 'member', 'viewer')),
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null,
  -- Written at most once a minute per token, not on every request.
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  check (expires_at > created_at and expires_at <= created_at + interval '1 year')
);
-- Lookup by prefix is the unique constraint's index; this one serves a user's list, newest first.
create index if not exists api_tokens_owner_idx on api_tokens (workspace_id, user_id, created_at desc, id desc);

alter table api_tokens enable row level security;

drop policy if exists api_tokens_isolation on api_tokens;
create policy api_tokens_isolation on api_tokens using (workspace_id = app.current_workspace_id());
