-- Projects and their execution: lifecycle and its history, plan versions, steps, LangGraph
-- threads, cross-project dependencies, large step results kept outside the database, and
-- classified errors. The LangGraph checkpoint tables live in their own migration.

create table if not exists projects (
  id                          uuid primary key default gen_random_uuid(),
  workspace_id                uuid not null references workspaces(id) on delete cascade,
  parent_project_id           uuid references projects(id) on delete cascade,
  conversation_id             uuid references conversations(id) on delete set null,
  title                       text not null check (length(title) between 1 and 200),
  description                 text not null default '',
  -- Lifecycle of SPEC §3.1; the API validates every transition and records it below.
  status                      text not null default 'planning'
                              check (status in ('planning', 'awaiting_plan_approval', 'running',
                                                'paused_for_approval', 'paused_on_error',
                                                'paused_for_agent_development',
                                                'paused_for_agent_improvement', 'paused_by_user',
                                                'completed', 'failed', 'aborted')),
  -- Why the project is in its current state (pause reason, failure summary…).
  status_reason               text,
  plan_json                   jsonb,
  current_plan_version        integer check (current_plan_version >= 1),
  orchestrator_agent          text,
  priority                    integer not null default 5 check (priority between 1 and 10),
  project_type                text not null default 'standard'
                              check (project_type in ('standard', 'subproject', 'agent_creation',
                                                      'agent_improvement')),
  department                  text,
  -- What started it, and the project template it was seeded from, if any.
  source                      text not null default 'chat'
                              check (source in ('chat', 'api', 'webhook', 'schedule', 'subproject')),
  template                    text,
  -- Overrides the department's autonomy policy for this project when set.
  autonomy_level              text check (autonomy_level in ('supervised', 'semi_autonomous', 'autonomous')),
  estimated_duration_minutes  integer check (estimated_duration_minutes >= 0),
  actual_duration_minutes     integer check (actual_duration_minutes >= 0),
  token_budget_soft           bigint check (token_budget_soft > 0),
  token_budget_hard           bigint check (token_budget_hard > 0),
  cost_budget_soft_usd        numeric(12, 6) check (cost_budget_soft_usd > 0),
  cost_budget_hard_usd        numeric(12, 6) check (cost_budget_hard_usd > 0),
  tokens_used                 bigint not null default 0 check (tokens_used >= 0),
  cost_used_usd               numeric(12, 6) not null default 0 check (cost_used_usd >= 0),
  metadata                    jsonb not null default '{}'::jsonb,
  started_at                  timestamptz,
  completed_at                timestamptz,
  created_by                  uuid references users(id) on delete set null,
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now(),
  -- Optimistic locking: writers update `where version = $expected` and bump it.
  version                     integer not null default 1 check (version >= 1),
  check (parent_project_id is null or parent_project_id <> id),
  check (token_budget_soft is null or token_budget_hard is null or token_budget_soft <= token_budget_hard),
  check (cost_budget_soft_usd is null or cost_budget_hard_usd is null or cost_budget_soft_usd <= cost_budget_hard_usd),
  check (completed_at is null or started_at is null or completed_at >= started_at)
);
create index if not exists projects_workspace_status_idx on projects (workspace_id, status, updated_at desc);
create index if not exists projects_workspace_recent_idx on projects (workspace_id, updated_at desc);
create index if not exists projects_parent_idx on projects (parent_project_id) where parent_project_id is not null;
create index if not exists projects_conversation_idx on projects (conversation_id) where conversation_id is not null;

create table if not exists project_status_transitions (
  id            uuid primary key default gen_random_uuid(),
  workspace_id  uuid not null references workspaces(id) on delete cascade,
  project_id    uuid not null references projects(id) on delete cascade,
  -- Null for the transition that created the project.
  from_status   text check (from_status in ('planning', 'awaiting_plan_approval', 'running',
                                            'paused_for_approval', 'paused_on_error',
                                            'paused_for_agent_development',
                                            'paused_for_agent_improvement', 'paused_by_user',
                                            'completed', 'failed', 'aborted')),
  to_status     text not null check (to_status in ('planning', 'awaiting_plan_approval', 'running',
                                                   'paused_for_approval', 'paused_on_error',
                                                   'paused_for_agent_development',
                                                   'paused_for_agent_improvement', 'paused_by_user',
                                                   'completed', 'failed', 'aborted')),
  reason        text,
  actor_type    text not null check (actor_type in ('user', 'agent', 'system')),
  -- User id, agent name or system component, according to actor_type.
  actor         text not null,
  created_at    timestamptz not null default now()
);
create index if not exists project_status_transitions_project_idx
  on project_status_transitions (project_id, created_at);

create table if not exists plan_versions (
  id              uuid primary key default gen_random_uuid(),
  workspace_id    uuid not null references workspaces(id) on delete cascade,
  project_id      uuid not null references projects(id) on delete cascade,
  version         integer not null check (version >= 1),
  plan_json       jsonb not null,
  change_summary  text not null default '',
  author_type     text not null check (author_type in ('user', 'agent', 'system')),
  author          text not null,
  created_at      timestamptz not null default now(),
  unique (project_id, version)
);

-- Large results (over the inline threshold) stored as objects; steps point at them via result_ref.
create table if not exists project_data_storage (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  project_id       uuid not null references projects(id) on delete cascade,
  step_key         text,
  data_type        text not null default 'step_result'
                   check (data_type in ('step_result', 'agent_output', 'report', 'dataset')),
  storage_backend  text not null check (storage_backend in ('local', 'supabase')),
  -- Supabase Storage bucket; null for the local folder backend.
  bucket           text,
  object_key       text not null,
  size_bytes       bigint not null check (size_bytes >= 0),
  sha256           text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content_type     text not null default 'application/json',
  created_at       timestamptz not null default now(),
  check ((storage_backend = 'supabase') = (bucket is not null))
);
create index if not exists project_data_storage_project_step_idx on project_data_storage (project_id, step_key);

create table if not exists project_steps (
  id                          uuid primary key default gen_random_uuid(),
  workspace_id                uuid not null references workspaces(id) on delete cascade,
  project_id                  uuid not null references projects(id) on delete cascade,
  -- The step's id within the plan (what `dependencies` refer to).
  step_key                    text not null check (length(step_key) between 1 and 128),
  -- Display order within the plan.
  position                    integer not null default 0,
  name                        text not null check (length(name) between 1 and 300),
  description                 text not null default '',
  step_type                   text not null default 'standard'
                              check (step_type in ('standard', 'build_agent', 'improve_agent',
                                                   'subproject', 'human_approval')),
  status                      text not null default 'pending'
                              check (status in ('pending', 'ready', 'running', 'retrying',
                                                'pending_approval', 'waiting_for_human',
                                                'waiting_for_subproject', 'waiting_for_agent',
                                                'completed', 'failed', 'skipped', 'cancelled')),
  assigned_agent              text,
  -- A named person from the plan ("Sarah"); assigned_user_id once resolved to an account.
  assigned_human              text,
  assigned_user_id            uuid references users(id) on delete set null,
  human_collaboration_type    text check (human_collaboration_type in ('approval', 'guidance', 'review', 'strategy')),
  due_at                      timestamptz,
  last_reminded_at            timestamptz,
  subproject_id               uuid references projects(id) on delete set null,
  dependencies                text[] not null default '{}',
  risk_level                  text not null default 'low' check (risk_level in ('low', 'medium', 'high', 'critical')),
  estimated_duration_minutes  integer check (estimated_duration_minutes >= 0),
  actual_duration_minutes     integer check (actual_duration_minutes >= 0),
  -- Type-specific settings: the agent spec of a build_agent step, a subproject's brief…
  config                      jsonb not null default '{}'::jsonb,
  attempt                     integer not null default 0 check (attempt >= 0),
  result                      jsonb,
  result_ref                  uuid references project_data_storage(id) on delete set null,
  -- Guards a step's side effects against re-execution after a resume.
  idempotency_key             text unique,
  -- managed_agents.context_version the assigned agent ran with.
  context_version             integer,
  metrics                     jsonb not null default '{}'::jsonb,
  started_at                  timestamptz,
  completed_at                timestamptz,
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now(),
  unique (project_id, step_key),
  check (subproject_id is null or step_type = 'subproject'),
  check (not (step_key = any (dependencies))),
  check (completed_at is null or started_at is null or completed_at >= started_at)
);
create index if not exists project_steps_project_status_idx on project_steps (project_id, status);
create index if not exists project_steps_agent_idx
  on project_steps (workspace_id, assigned_agent, status) where assigned_agent is not null;
create index if not exists project_steps_user_inbox_idx
  on project_steps (assigned_user_id, status, due_at) where assigned_user_id is not null;
create index if not exists project_steps_subproject_idx on project_steps (subproject_id) where subproject_id is not null;

create table if not exists project_threads (
  id                  uuid primary key default gen_random_uuid(),
  workspace_id        uuid not null references workspaces(id) on delete cascade,
  project_id          uuid not null references projects(id) on delete cascade,
  -- LangGraph thread identifier.
  thread_id           text not null unique,
  parent_thread_id    text references project_threads(thread_id) on delete set null,
  status              text not null default 'active'
                      check (status in ('active', 'paused', 'completed', 'failed', 'aborted')),
  last_checkpoint_id  text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index if not exists project_threads_project_idx on project_threads (project_id);
create index if not exists project_threads_parent_idx on project_threads (parent_thread_id) where parent_thread_id is not null;

create table if not exists project_dependencies (
  id                     uuid primary key default gen_random_uuid(),
  workspace_id           uuid not null references workspaces(id) on delete cascade,
  project_id             uuid not null references projects(id) on delete cascade,
  depends_on_project_id  uuid not null references projects(id) on delete cascade,
  -- A blocking dependency holds the project until the other one completes.
  blocking               boolean not null default true,
  status                 text not null default 'active' check (status in ('active', 'resolved', 'broken')),
  resolved_at            timestamptz,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  unique (project_id, depends_on_project_id),
  check (project_id <> depends_on_project_id)
);
create index if not exists project_dependencies_depends_on_idx on project_dependencies (depends_on_project_id);

create table if not exists project_errors (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  project_id       uuid not null references projects(id) on delete cascade,
  step_key         text,
  agent_name       text,
  category         text not null
                   check (category in ('validation', 'llm_rate_limit', 'llm_timeout', 'llm_bad_output',
                                       'agent_unavailable', 'tool_failure', 'network', 'permission',
                                       'budget', 'dependency_failed', 'internal', 'cancelled')),
  severity         text not null check (severity in ('low', 'medium', 'high', 'critical')),
  message          text not null,
  details          jsonb not null default '{}'::jsonb,
  attempt          integer not null default 0 check (attempt >= 0),
  recovery_action  text check (recovery_action in ('retry', 'fallback_agent', 'ask_user', 'skip',
                                                   'reassign', 'rollback', 'abort', 'ignore')),
  resolved_at      timestamptz,
  -- Null with resolved_at set means the system resolved it (e.g. a retry succeeded).
  resolved_by      uuid references users(id) on delete set null,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index if not exists project_errors_project_idx on project_errors (project_id, created_at desc);
create index if not exists project_errors_unresolved_idx
  on project_errors (workspace_id, created_at desc) where resolved_at is null;

drop trigger if exists projects_touch on projects;
create trigger projects_touch before update on projects
  for each row execute function app.touch_updated_at();
drop trigger if exists project_steps_touch on project_steps;
create trigger project_steps_touch before update on project_steps
  for each row execute function app.touch_updated_at();
drop trigger if exists project_threads_touch on project_threads;
create trigger project_threads_touch before update on project_threads
  for each row execute function app.touch_updated_at();
drop trigger if exists project_dependencies_touch on project_dependencies;
create trigger project_dependencies_touch before update on project_dependencies
  for each row execute function app.touch_updated_at();
drop trigger if exists project_errors_touch on project_errors;
create trigger project_errors_touch before update on project_errors
  for each row execute function app.touch_updated_at();

alter table projects enable row level security;
alter table project_status_transitions enable row level security;
alter table plan_versions enable row level security;
alter table project_data_storage enable row level security;
alter table project_steps enable row level security;
alter table project_threads enable row level security;
alter table project_dependencies enable row level security;
alter table project_errors enable row level security;
drop policy if exists projects_isolation on projects;
create policy projects_isolation on projects using (workspace_id = app.current_workspace_id());
drop policy if exists project_status_transitions_isolation on project_status_transitions;
create policy project_status_transitions_isolation on project_status_transitions using (workspace_id = app.current_workspace_id());
drop policy if exists plan_versions_isolation on plan_versions;
create policy plan_versions_isolation on plan_versions using (workspace_id = app.current_workspace_id());
drop policy if exists project_data_storage_isolation on project_data_storage;
create policy project_data_storage_isolation on project_data_storage using (workspace_id = app.current_workspace_id());
drop policy if exists project_steps_isolation on project_steps;
create policy project_steps_isolation on project_steps using (workspace_id = app.current_workspace_id());
drop policy if exists project_threads_isolation on project_threads;
create policy project_threads_isolation on project_threads using (workspace_id = app.current_workspace_id());
drop policy if exists project_dependencies_isolation on project_dependencies;
create policy project_dependencies_isolation on project_dependencies using (workspace_id = app.current_workspace_id());
drop policy if exists project_errors_isolation on project_errors;
create policy project_errors_isolation on project_errors using (workspace_id = app.current_workspace_id());
