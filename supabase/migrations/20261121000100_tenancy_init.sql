-- Tenancy: workspaces, users, memberships, and the helper every RLS policy uses.
-- The API connects as the table owner (RLS does not apply to it) and scopes every query by
-- workspace itself; the policies protect direct access through Supabase's PostgREST roles.

create schema if not exists app;

-- The workspace a session acts for: set per transaction by the API (`set local app.workspace_id`)
-- or derived from a Supabase JWT claim.
create or replace function app.current_workspace_id() returns uuid
language sql stable as $$
  select coalesce(
    nullif(current_setting('app.workspace_id', true), ''),
    nullif((nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'workspace_id'), '')
  )::uuid
$$;

create or replace function app.touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create table if not exists workspaces (
  id          uuid primary key default gen_random_uuid(),
  slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text not null check (length(name) between 1 and 200),
  settings    jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table if not exists users (
  id            uuid primary key default gen_random_uuid(),
  email         text not null unique,
  display_name  text not null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

create table if not exists memberships (
  workspace_id  uuid not null references workspaces(id) on delete cascade,
  user_id       uuid not null references users(id) on delete cascade,
  role          text not null check (role in ('admin', 'approver', 'member', 'viewer')),
  created_at    timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index if not exists memberships_user_idx on memberships (user_id);

drop trigger if exists workspaces_touch on workspaces;
create trigger workspaces_touch before update on workspaces
  for each row execute function app.touch_updated_at();
drop trigger if exists users_touch on users;
create trigger users_touch before update on users
  for each row execute function app.touch_updated_at();

alter table workspaces enable row level security;
alter table memberships enable row level security;
drop policy if exists workspaces_isolation on workspaces;
create policy workspaces_isolation on workspaces using (id = app.current_workspace_id());
drop policy if exists memberships_isolation on memberships;
create policy memberships_isolation on memberships using (workspace_id = app.current_workspace_id());
