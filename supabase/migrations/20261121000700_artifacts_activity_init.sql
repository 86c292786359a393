-- Artifacts (content-addressed files, stored once per workspace and linked to projects, steps,
-- agents or conversations) and the agent activity feed.

create table if not exists artifacts (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  sha256           text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes       bigint not null check (size_bytes >= 0),
  content_type     text not null default 'application/octet-stream',
  -- Name of the first upload; links may show their own label.
  filename         text not null check (length(filename) between 1 and 255),
  storage_backend  text not null check (storage_backend in ('local', 'supabase')),
  storage_path     text not null,
  created_by       uuid references users(id) on delete set null,
  created_by_agent text,
  created_at       timestamptz not null default now(),
  unique (workspace_id, sha256)
);

create table if not exists artifact_links (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  artifact_id      uuid not null references artifacts(id) on delete cascade,
  project_id       uuid references projects(id) on delete cascade,
  step_key         text,
  agent_name       text,
  conversation_id  uuid references conversations(id) on delete cascade,
  link_type        text not null default 'output' check (link_type in ('input', 'output', 'attachment', 'reference')),
  label            text,
  created_by       uuid references users(id) on delete set null,
  created_at       timestamptz not null default now(),
  constraint artifact_links_unique unique nulls not distinct (artifact_id, project_id, step_key, agent_name, conversation_id, link_type),
  check (num_nonnulls(project_id, agent_name, conversation_id) > 0),
  check (step_key is null or project_id is not null)
);
create index if not exists artifact_links_artifact_idx on artifact_links (artifact_id);
create index if not exists artifact_links_project_idx on artifact_links (project_id, step_key) where project_id is not null;
create index if not exists artifact_links_agent_idx on artifact_links (workspace_id, agent_name) where agent_name is not null;
create index if not exists artifact_links_conversation_idx on artifact_links (conversation_id) where conversation_id is not null;

create table if not exists activity_log (
  id               uuid primary key default gen_random_uuid(),
  -- Total order for the live feed's catch-up cursor.
  seq              bigint generated always as identity unique,
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  agent_name       text,
  -- Set when a person wrote the entry (chat commands such as /task-note).
  user_id          uuid references users(id) on delete set null,
  activity_type    text not null
                   check (activity_type in ('log', 'note', 'task_started', 'task_completed', 'task_failed',
                                            'status_changed', 'delegated', 'artifact_added',
                                            'approval_requested', 'approval_decided', 'agent_updated')),
  level            text not null default 'info' check (level in ('debug', 'info', 'warn', 'error')),
  message          text not null check (length(message) between 1 and 8000),
  project_id       uuid references projects(id) on delete cascade,
  step_key         text,
  conversation_id  uuid references conversations(id) on delete set null,
  details          jsonb not null default '{}'::jsonb,
  created_at       timestamptz not null default now()
);
create index if not exists activity_log_workspace_idx on activity_log (workspace_id, seq desc);
create index if not exists activity_log_agent_idx on activity_log (workspace_id, agent_name, seq desc) where agent_name is not null;
create index if not exists activity_log_project_idx on activity_log (project_id, seq desc) where project_id is not null;

alter table artifacts enable row level security;
alter table artifact_links enable row level security;
alter table activity_log enable row level security;
drop policy if exists artifacts_isolation on artifacts;
create policy artifacts_isolation on artifacts using (workspace_id = app.current_workspace_id());
drop policy if exists artifact_links_isolation on artifact_links;
create policy artifact_links_isolation on artifact_links using (workspace_id = app.current_workspace_id());
drop policy if exists activity_log_isolation on activity_log;
create policy activity_log_isolation on activity_log using (workspace_id = app.current_workspace_id());
