-- Building agents (BUILD_AGENT and `build_agent` plan steps): one row per build, which runs on
-- its own LangGraph thread (`agent-build:<id>`, checkpoints in the `checkpoints` schema):
-- draft → validate → approval (kind 'agent_creation') → deploy.

create table if not exists agent_builds (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  status           text not null default 'drafting'
                   check (status in ('drafting', 'validating', 'awaiting_approval', 'deploying',
                                     'deployed', 'rejected', 'failed', 'cancelled')),
  -- What was asked for, in the person's words or the plan step's.
  request          text not null check (length(request) between 1 and 4000),
  template         text not null,
  -- The capability a plan step needed (null for builds asked for in the chat or the wizard).
  capability       text,
  -- Who the agent will be (name, department, reportsTo, capabilities…), decided before drafting.
  spec             jsonb not null,
  -- The agent's reserved name: two open builds never propose the same one.
  agent_name       text not null,
  draft            jsonb,
  -- 'llm' or 'template' (the offline drafter), with notes on why the model's draft was not used.
  draft_source     text check (draft_source in ('llm', 'template')),
  draft_notes      text[] not null default '{}',
  validation       jsonb,
  approval_id      uuid references pending_approvals(id) on delete set null,
  conversation_id  uuid references conversations(id) on delete set null,
  project_id       uuid references projects(id) on delete cascade,
  step_key         text,
  -- A build of a plan step that ended without an agent is reported to the run once; a person's
  -- retry then starts a new build for the step.
  reported_at      timestamptz,
  -- Why it stopped (rejected with the reviewer's notes, failed checks, deployment refused).
  error            text,
  created_by       uuid references users(id) on delete set null,
  created_by_name  text not null default 'system',
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  check (step_key is null or project_id is not null)
);

-- The Workforce list: newest first, keyset-paginated on (created_at, id).
create index if not exists agent_builds_recent_idx on agent_builds (workspace_id, created_at desc, id desc);
-- Builds a restart must continue.
create index if not exists agent_builds_open_idx on agent_builds (workspace_id, status)
  where status in ('drafting', 'validating', 'awaiting_approval', 'deploying');
-- One open build per plan step; one open build per proposed agent name.
create unique index if not exists agent_builds_one_open_per_step_idx on agent_builds (project_id, step_key)
  where step_key is not null and status in ('drafting', 'validating', 'awaiting_approval', 'deploying');
create unique index if not exists agent_builds_one_open_per_name_idx on agent_builds (workspace_id, agent_name)
  where status in ('drafting', 'validating', 'awaiting_approval', 'deploying');
create unique index if not exists agent_builds_approval_idx on agent_builds (approval_id) where approval_id is not null;
create index if not exists agent_builds_step_idx on agent_builds (project_id, step_key, created_at desc) where project_id is not null;

drop trigger if exists agent_builds_touch on agent_builds;
create trigger agent_builds_touch before update on agent_builds
  for each row execute function app.touch_updated_at();

alter table agent_builds enable row level security;
drop policy if exists agent_builds_isolation on agent_builds;
create policy agent_builds_isolation on agent_builds using (workspace_id = app.current_workspace_id());
