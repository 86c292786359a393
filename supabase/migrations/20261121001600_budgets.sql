-- Budgets and circuit breakers (SPEC §3.6b). The `budgets` table itself comes with the approvals
-- migration; this one adds what enforcing it needs: per-agent circuit breakers that survive a
-- restart, and the indexes the usage roll-ups read (per step, project, agent, department).

-- One circuit per agent: `open` after N consecutive failures within a window; it lets one trial
-- through (half-open) once `opened_at` + the cool-down has passed, which is computed, not stored.
create table if not exists agent_circuits (
  workspace_id          uuid not null references workspaces(id) on delete cascade,
  agent_name            text not null,
  state                 text not null default 'closed' check (state in ('closed', 'open', 'half_open')),
  consecutive_failures  integer not null default 0 check (consecutive_failures >= 0),
  last_failure_at       timestamptz,
  last_error            text,
  opened_at             timestamptz,
  updated_at            timestamptz not null default now(),
  primary key (workspace_id, agent_name),
  check (state <> 'open' or opened_at is not null)
);
-- The list of circuits that need attention (open ones first).
create index if not exists agent_circuits_open_idx on agent_circuits (workspace_id, updated_at desc) where state <> 'closed';

-- Roll-ups by project and step read the calls of one project; by time window, the recent ones.
create index if not exists llm_calls_project_step_idx on llm_calls (project_id, step_id) where project_id is not null;
create index if not exists budgets_scope_idx on budgets (workspace_id, scope, scope_ref) where enabled;

alter table agent_circuits enable row level security;

drop policy if exists agent_circuits_isolation on agent_circuits;
create policy agent_circuits_isolation on agent_circuits using (workspace_id = app.current_workspace_id());
