-- Authenticated mode (docs/security.md): passwords, sessions, invitations and admin password resets.
-- Every secret (session, invitation, reset) is stored as its sha256 only; passwords as argon2id.

create table if not exists user_passwords (
  user_id     uuid primary key references users(id) on delete cascade,
  hash        text not null check (hash like '$argon2id$%'),
  updated_at  timestamptz not null default now()
);

create table if not exists sessions (
  id                    uuid primary key default gen_random_uuid(),
  user_id               uuid not null references users(id) on delete cascade,
  -- The workspace its requests act in; null until the person is a member of one.
  workspace_id          uuid references workspaces(id) on delete set null,
  token_hash            bytea not null unique,
  -- The token before the last rotation, still taken until previous_valid_until: requests sent
  -- with it while the rotation's response was on its way must not sign the person out.
  previous_token_hash   bytea,
  previous_valid_until  timestamptz,
  created_at            timestamptz not null default now(),
  rotated_at            timestamptz not null default now(),
  expires_at            timestamptz not null,
  revoked_at            timestamptz,
  user_agent            text check (length(user_agent) <= 500)
);
create index if not exists sessions_user_idx on sessions (user_id) where revoked_at is null;
create index if not exists sessions_previous_idx on sessions (previous_token_hash) where previous_token_hash is not null;

create table if not exists invitations (
  id           uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  email        text not null check (length(email) between 3 and 254),
  role         text not null check (role in ('admin', 'approver', 'member', 'viewer')),
  token_hash   bytea not null unique,
  invited_by   uuid not null references users(id) on delete cascade,
  created_at   timestamptz not null default now(),
  expires_at   timestamptz not null,
  accepted_at  timestamptz,
  accepted_by  uuid references users(id) on delete set null,
  revoked_at   timestamptz
);
create index if not exists invitations_open_idx on invitations (workspace_id, created_at desc)
  where accepted_at is null and revoked_at is null;
alter table invitations enable row level security;
drop policy if exists invitations_isolation on invitations;
create policy invitations_isolation on invitations using (workspace_id = app.current_workspace_id());

create table if not exists password_resets (
  id          uuid primary key default gen_random_uuid(),
  user_id     uuid not null references users(id) on delete cascade,
  token_hash  bytea not null unique,
  created_by  uuid not null references users(id) on delete cascade,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz
);
