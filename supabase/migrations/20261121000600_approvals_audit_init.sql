-- Governance: pending approvals (LangGraph interrupts waiting for a human), autonomy policies
-- per department, recorded approval patterns, token/cost budgets, and the append-only audit log.

create table if not exists pending_approvals (
  id                uuid primary key default gen_random_uuid(),
  workspace_id      uuid not null references workspaces(id) on delete cascade,
  kind              text not null default 'action'
                    check (kind in ('action', 'plan', 'agent_creation', 'agent_improvement', 'budget')),
  project_id        uuid references projects(id) on delete cascade,
  step_key          text,
  conversation_id   uuid references conversations(id) on delete set null,
  -- Where the run paused: resuming the interrupt with the decision continues exactly that
  -- (possibly nested) step.
  thread_id         text,
  checkpoint_ns     text not null default '',
  checkpoint_id     text,
  interrupt_id      text,
  -- The agent whose action needs approval, and the org-chart chain that led to it (outermost first).
  agent_name        text,
  delegation_path   text[] not null default '{}',
  department        text,
  action            text not null,
  risk_level        text not null check (risk_level in ('low', 'medium', 'high', 'critical')),
  -- What will happen if approved, as shown to the reviewer.
  preview           jsonb not null default '{}'::jsonb,
  status            text not null default 'pending'
                    check (status in ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
  -- The person expected to decide, when known (the human owner of the responsible level).
  assigned_user_id  uuid references users(id) on delete set null,
  requested_at      timestamptz not null default now(),
  expires_at        timestamptz,
  -- When the approval left 'pending', whatever the outcome.
  decided_at        timestamptz,
  decided_by        uuid references users(id) on delete set null,
  decision_notes    text,
  -- Steps taken up the reportsTo line after timeouts; escalated_to is the agent level now responsible.
  escalation_level  integer not null default 0 check (escalation_level >= 0),
  escalated_to      text,
  escalated_at      timestamptz,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  check ((status = 'pending') = (decided_at is null)),
  check (decided_by is null or status in ('approved', 'rejected')),
  check (expires_at is null or expires_at > requested_at),
  check (step_key is null or project_id is not null)
);
-- A step has at most one pending approval.
create unique index if not exists pending_approvals_one_pending_per_step_idx
  on pending_approvals (project_id, step_key) where status = 'pending' and step_key is not null;
-- Re-running an interrupted node must not raise a second approval for the same interrupt.
create unique index if not exists pending_approvals_interrupt_idx
  on pending_approvals (thread_id, interrupt_id) where interrupt_id is not null;
create index if not exists pending_approvals_pending_idx
  on pending_approvals (workspace_id, expires_at) where status = 'pending';
create index if not exists pending_approvals_assignee_idx
  on pending_approvals (assigned_user_id, requested_at) where status = 'pending' and assigned_user_id is not null;
create index if not exists pending_approvals_project_idx
  on pending_approvals (project_id, requested_at desc) where project_id is not null;

create table if not exists autonomy_policies (
  id                uuid primary key default gen_random_uuid(),
  workspace_id      uuid not null references workspaces(id) on delete cascade,
  department        text not null,
  level             text not null check (level in ('supervised', 'semi_autonomous', 'autonomous')),
  -- Per-action exceptions to the level, e.g. {"send_email": "always_approve"}.
  action_overrides  jsonb not null default '{}'::jsonb,
  updated_by        uuid references users(id) on delete set null,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  unique (workspace_id, department)
);

-- Decision counts per kind of action, from which autonomy changes are suggested.
create table if not exists approval_patterns (
  id                     uuid primary key default gen_random_uuid(),
  workspace_id           uuid not null references workspaces(id) on delete cascade,
  department             text not null,
  action                 text not null,
  risk_level             text not null check (risk_level in ('low', 'medium', 'high', 'critical')),
  approved_count         integer not null default 0 check (approved_count >= 0),
  rejected_count         integer not null default 0 check (rejected_count >= 0),
  -- Approvals since the last rejection: a long run suggests relaxing the policy.
  consecutive_approvals  integer not null default 0 check (consecutive_approvals >= 0),
  last_decision          text check (last_decision in ('approved', 'rejected')),
  last_decided_at        timestamptz,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  unique (workspace_id, department, action, risk_level)
);

create table if not exists budgets (
  id                   uuid primary key default gen_random_uuid(),
  workspace_id         uuid not null references workspaces(id) on delete cascade,
  scope                text not null check (scope in ('agent', 'project', 'department')),
  -- Agent name, project id or department name, according to scope.
  scope_ref            text not null,
  period               text not null check (period in ('total', 'day', 'week', 'month')),
  token_soft_limit     bigint check (token_soft_limit > 0),
  token_hard_limit     bigint check (token_hard_limit > 0),
  cost_soft_limit_usd  numeric(12, 6) check (cost_soft_limit_usd > 0),
  cost_hard_limit_usd  numeric(12, 6) check (cost_hard_limit_usd > 0),
  enabled              boolean not null default true,
  -- Usage in the current period, rolled up from llm_calls; reset when the period rolls over.
  period_start         timestamptz not null default now(),
  tokens_used          bigint not null default 0 check (tokens_used >= 0),
  cost_used_usd        numeric(12, 6) not null default 0 check (cost_used_usd >= 0),
  soft_warned_at       timestamptz,
  hard_stopped_at      timestamptz,
  created_by           uuid references users(id) on delete set null,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  unique (workspace_id, scope, scope_ref, period),
  check (num_nonnulls(token_soft_limit, token_hard_limit, cost_soft_limit_usd, cost_hard_limit_usd) > 0),
  check (token_soft_limit is null or token_hard_limit is null or token_soft_limit <= token_hard_limit),
  check (cost_soft_limit_usd is null or cost_hard_limit_usd is null or cost_soft_limit_usd <= cost_hard_limit_usd)
);

-- Append-only record of every executed action. No foreign keys besides the workspace, so that
-- entries keep their references after the rows they name are gone.
create table if not exists audit_log (
  id            uuid primary key default gen_random_uuid(),
  workspace_id  uuid not null references workspaces(id) on delete cascade,
  actor_type    text not null check (actor_type in ('user', 'agent', 'system')),
  -- User id, agent name or system component, according to actor_type.
  actor         text not null,
  action        text not null,
  target_type   text,
  target_id     text,
  project_id    uuid,
  step_key      text,
  department    text,
  risk_level    text check (risk_level in ('low', 'medium', 'high', 'critical')),
  -- 'manual' is an action a person performed directly (no agent involved).
  mode          text not null check (mode in ('automatic', 'approved', 'manual')),
  approval_id   uuid,
  approved_by   uuid,
  result        text not null check (result in ('success', 'failure')),
  error         text,
  details       jsonb not null default '{}'::jsonb,
  created_at    timestamptz not null default now(),
  check (mode <> 'approved' or approval_id is not null)
);
create index if not exists audit_log_workspace_idx on audit_log (workspace_id, created_at desc);
create index if not exists audit_log_target_idx on audit_log (workspace_id, target_type, target_id, created_at desc);
create index if not exists audit_log_project_idx on audit_log (project_id, created_at desc) where project_id is not null;
create index if not exists audit_log_actor_idx on audit_log (workspace_id, actor, created_at desc);

-- An approval is decided once: a decided row never changes status again.
create or replace function app.pending_approvals_decide_once() returns trigger
language plpgsql as $$
begin
  if old.status <> 'pending' and new.status is distinct from old.status then
    raise exception 'approval % was already %', old.id, old.status
      using errcode = 'check_violation', hint = 'update pending approvals with "where status = ''pending''"';
  end if;
  return new;
end
$$;

-- UPDATE and TRUNCATE are always refused. DELETE is allowed only as part of deleting the
-- whole workspace (the cascade runs after the workspace row is gone).
create or replace function app.audit_log_append_only() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' and not exists (select 1 from workspaces where id = old.workspace_id) then
    return old;
  end if;
  raise exception 'audit_log is append-only: % is not allowed', tg_op
    using errcode = 'insufficient_privilege';
end
$$;

drop trigger if exists pending_approvals_touch on pending_approvals;
create trigger pending_approvals_touch before update on pending_approvals
  for each row execute function app.touch_updated_at();
drop trigger if exists pending_approvals_decide_once on pending_approvals;
create trigger pending_approvals_decide_once before update on pending_approvals
  for each row execute function app.pending_approvals_decide_once();
drop trigger if exists autonomy_policies_touch on autonomy_policies;
create trigger autonomy_policies_touch before update on autonomy_policies
  for each row execute function app.touch_updated_at();
drop trigger if exists approval_patterns_touch on approval_patterns;
create trigger approval_patterns_touch before update on approval_patterns
  for each row execute function app.touch_updated_at();
drop trigger if exists budgets_touch on budgets;
create trigger budgets_touch before update on budgets
  for each row execute function app.touch_updated_at();
drop trigger if exists audit_log_append_only on audit_log;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function app.audit_log_append_only();
drop trigger if exists audit_log_no_truncate on audit_log;
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function app.audit_log_append_only();

alter table pending_approvals enable row level security;
alter table autonomy_policies enable row level security;
alter table approval_patterns enable row level security;
alter table budgets enable row level security;
alter table audit_log enable row level security;
drop policy if exists pending_approvals_isolation on pending_approvals;
create policy pending_approvals_isolation on pending_approvals using (workspace_id = app.current_workspace_id());
drop policy if exists autonomy_policies_isolation on autonomy_policies;
create policy autonomy_policies_isolation on autonomy_policies using (workspace_id = app.current_workspace_id());
drop policy if exists approval_patterns_isolation on approval_patterns;
create policy approval_patterns_isolation on approval_patterns using (workspace_id = app.current_workspace_id());
drop policy if exists budgets_isolation on budgets;
create policy budgets_isolation on budgets using (workspace_id = app.current_workspace_id());
drop policy if exists audit_log_isolation on audit_log;
create policy audit_log_isolation on audit_log using (workspace_id = app.current_workspace_id());
