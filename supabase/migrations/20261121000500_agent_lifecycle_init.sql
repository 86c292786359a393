-- The life of an agent after it is registered: Context.md/definition history, improvement
-- proposals, rolled-up performance metrics, and every delegation decision with its rating.
-- Agents are referenced by (workspace_id, agent_name) without a foreign key: history outlives
-- retired or renamed agents.

create table if not exists agent_versions (
  id              uuid primary key default gen_random_uuid(),
  workspace_id    uuid not null references workspaces(id) on delete cascade,
  agent_name      text not null,
  version         integer not null check (version >= 1),
  context_md      text not null,
  -- The validated agent.yaml as JSON at this version.
  definition      jsonb not null default '{}'::jsonb,
  content_hash    text,
  author_type     text not null check (author_type in ('user', 'agent', 'system')),
  author          text not null,
  message         text not null default '',
  -- Set when this version was created by restoring an earlier one.
  restored_from   integer,
  created_at      timestamptz not null default now(),
  unique (workspace_id, agent_name, version)
);

create table if not exists agent_improvements (
  id                  uuid primary key default gen_random_uuid(),
  workspace_id        uuid not null references workspaces(id) on delete cascade,
  agent_name          text not null,
  project_id          uuid references projects(id) on delete set null,
  trigger_type        text not null
                      check (trigger_type in ('user_feedback', 'performance_metrics', 'project_failure', 'manual')),
  trigger_details     jsonb not null default '{}'::jsonb,
  improvement_type    text not null default 'context_update'
                      check (improvement_type in ('context_update', 'function_enhancement', 'performance_tuning')),
  -- The proposed change: new Context.md and/or definition patch, with the rationale.
  proposal            jsonb not null default '{}'::jsonb,
  -- Unified diff of the proposal against base_version, for review.
  diff                text,
  status              text not null default 'proposed'
                      check (status in ('proposed', 'pending_approval', 'approved', 'rejected',
                                        'applied', 'rolled_back', 'failed')),
  base_version        integer,
  -- Context.md and definition as they were before applying, so the change can be undone.
  old_version_backup  jsonb,
  new_version         integer,
  metrics_before      jsonb,
  metrics_after       jsonb,
  approved_by         uuid references users(id) on delete set null,
  approved_at         timestamptz,
  applied_at          timestamptz,
  rolled_back_at      timestamptz,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  check (status not in ('applied', 'rolled_back') or old_version_backup is not null)
);
create index if not exists agent_improvements_agent_idx
  on agent_improvements (workspace_id, agent_name, created_at desc);
create index if not exists agent_improvements_open_idx
  on agent_improvements (workspace_id, status) where status in ('proposed', 'pending_approval', 'approved');

-- One row per agent per period, upserted as tasks finish.
create table if not exists agent_metrics (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  agent_name       text not null,
  period           text not null check (period in ('hour', 'day', 'week', 'month')),
  period_start     timestamptz not null,
  tasks            integer not null default 0 check (tasks >= 0),
  successes        integer not null default 0 check (successes >= 0),
  failures         integer not null default 0 check (failures >= 0),
  avg_duration_ms  numeric(14, 2),
  -- Number of ratings behind avg_rating, to update the mean incrementally.
  ratings          integer not null default 0 check (ratings >= 0),
  avg_rating       numeric(4, 3) check (avg_rating between 1 and 5),
  tokens           bigint not null default 0 check (tokens >= 0),
  cost_usd         numeric(12, 6) not null default 0 check (cost_usd >= 0),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (workspace_id, agent_name, period, period_start),
  check (successes + failures <= tasks)
);
create index if not exists agent_metrics_period_idx on agent_metrics (workspace_id, period, period_start desc);

create table if not exists delegation_history (
  id                  uuid primary key default gen_random_uuid(),
  workspace_id        uuid not null references workspaces(id) on delete cascade,
  conversation_id     uuid references conversations(id) on delete set null,
  message_id          uuid references messages(id) on delete set null,
  project_id          uuid references projects(id) on delete set null,
  step_key            text,
  -- The orchestrator that made the decision.
  delegated_by        text not null,
  task                text not null,
  chosen_agent        text not null,
  -- Every candidate considered: [{agent, score, load, reasons}], as shown to the user.
  candidate_scores    jsonb not null default '[]'::jsonb,
  reason              text,
  -- The agent that was chosen first and was unavailable or failed, when this is a fallback.
  fallback_from       text,
  outcome             text not null default 'pending'
                      check (outcome in ('pending', 'succeeded', 'failed', 'fell_back', 'cancelled')),
  rating              smallint check (rating between 1 and 5),
  feedback            text,
  rated_by            uuid references users(id) on delete set null,
  rated_at            timestamptz,
  duration_ms         integer check (duration_ms >= 0),
  completed_at        timestamptz,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  check ((rating is null) = (rated_at is null))
);
create index if not exists delegation_history_agent_idx
  on delegation_history (workspace_id, chosen_agent, created_at desc);
create index if not exists delegation_history_conversation_idx
  on delegation_history (conversation_id, created_at desc) where conversation_id is not null;

drop trigger if exists agent_improvements_touch on agent_improvements;
create trigger agent_improvements_touch before update on agent_improvements
  for each row execute function app.touch_updated_at();
drop trigger if exists agent_metrics_touch on agent_metrics;
create trigger agent_metrics_touch before update on agent_metrics
  for each row execute function app.touch_updated_at();
drop trigger if exists delegation_history_touch on delegation_history;
create trigger delegation_history_touch before update on delegation_history
  for each row execute function app.touch_updated_at();

alter table agent_versions enable row level security;
alter table agent_improvements enable row level security;
alter table agent_metrics enable row level security;
alter table delegation_history enable row level security;
drop policy if exists agent_versions_isolation on agent_versions;
create policy agent_versions_isolation on agent_versions using (workspace_id = app.current_workspace_id());
drop policy if exists agent_improvements_isolation on agent_improvements;
create policy agent_improvements_isolation on agent_improvements using (workspace_id = app.current_workspace_id());
drop policy if exists agent_metrics_isolation on agent_metrics;
create policy agent_metrics_isolation on agent_metrics using (workspace_id = app.current_workspace_id());
drop policy if exists delegation_history_isolation on delegation_history;
create policy delegation_history_isolation on delegation_history using (workspace_id = app.current_workspace_id());
