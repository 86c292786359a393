-- The agent registry mirrored from agents/: definitions, hierarchy and live availability.
-- Agents are addressed by (workspace_id, name); `name` is the folder name under agents/.

create table if not exists managed_agents (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  name             text not null check (name ~ '^[a-z][a-z0-9_]{1,63}$'),
  title            text not null,
  department       text not null,
  agent_type       text not null check (agent_type in ('orchestrator', 'context', 'function')),
  description      text not null default '',
  capabilities     text[] not null default '{}',
  -- The validated agent.yaml as JSON.
  definition       jsonb not null default '{}'::jsonb,
  context_md       text not null default '',
  context_version  integer not null default 1,
  content_hash     text,
  source_path      text not null,
  status           text not null default 'active'
                   check (status in ('active', 'invalid', 'being_created', 'being_improved', 'retired')),
  -- Set when the files on disk fail validation: path and the exact problem.
  load_error       text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (workspace_id, name)
);
create index if not exists managed_agents_department_idx on managed_agents (workspace_id, department);
create index if not exists managed_agents_capabilities_idx on managed_agents using gin (capabilities);

create table if not exists agent_hierarchy (
  workspace_id  uuid not null references workspaces(id) on delete cascade,
  agent_name    text not null,
  reports_to    text,
  depth         integer not null default 0,
  -- Names from the top of the org down to this agent, inclusive.
  path          text[] not null default '{}',
  updated_at    timestamptz not null default now(),
  primary key (workspace_id, agent_name),
  foreign key (workspace_id, agent_name) references managed_agents (workspace_id, name) on delete cascade
);
create index if not exists agent_hierarchy_reports_to_idx on agent_hierarchy (workspace_id, reports_to);

create table if not exists agent_availability (
  workspace_id    uuid not null references workspaces(id) on delete cascade,
  agent_name      text not null,
  status          text not null default 'online'
                  check (status in ('online', 'busy', 'offline', 'being_created', 'being_improved', 'retired')),
  current_load    integer not null default 0 check (current_load >= 0),
  max_concurrent  integer not null default 1 check (max_concurrent >= 1),
  updated_at      timestamptz not null default now(),
  primary key (workspace_id, agent_name),
  foreign key (workspace_id, agent_name) references managed_agents (workspace_id, name) on delete cascade
);

-- One row per LLM call: token usage and cost, rolled up later per step/project/agent/department.
create table if not exists llm_calls (
  id                 uuid primary key default gen_random_uuid(),
  workspace_id       uuid not null references workspaces(id) on delete cascade,
  conversation_id    uuid references conversations(id) on delete set null,
  project_id         uuid,
  step_id            text,
  agent_name         text,
  provider           text not null,
  model              text not null,
  prompt_tokens      integer not null default 0,
  completion_tokens  integer not null default 0,
  total_tokens       integer not null default 0,
  cost_usd           numeric(12, 6) not null default 0,
  duration_ms        integer,
  created_at         timestamptz not null default now()
);
create index if not exists llm_calls_workspace_idx on llm_calls (workspace_id, created_at desc);
create index if not exists llm_calls_project_idx on llm_calls (project_id) where project_id is not null;
create index if not exists llm_calls_agent_idx on llm_calls (workspace_id, agent_name, created_at desc);

drop trigger if exists managed_agents_touch on managed_agents;
create trigger managed_agents_touch before update on managed_agents
  for each row execute function app.touch_updated_at();

alter table managed_agents enable row level security;
alter table agent_hierarchy enable row level security;
alter table agent_availability enable row level security;
alter table llm_calls enable row level security;
drop policy if exists managed_agents_isolation on managed_agents;
create policy managed_agents_isolation on managed_agents using (workspace_id = app.current_workspace_id());
drop policy if exists agent_hierarchy_isolation on agent_hierarchy;
create policy agent_hierarchy_isolation on agent_hierarchy using (workspace_id = app.current_workspace_id());
drop policy if exists agent_availability_isolation on agent_availability;
create policy agent_availability_isolation on agent_availability using (workspace_id = app.current_workspace_id());
drop policy if exists llm_calls_isolation on llm_calls;
create policy llm_calls_isolation on llm_calls using (workspace_id = app.current_workspace_id());
