-- Standing approvals: "approve the remaining steps of this project at this risk or below".
-- One per project (giving it again changes the ceiling and who gave it); a step of the project
-- that reaches its approval gate later at or below `max_risk` is approved when it is raised, in
-- the person's name, with an audit entry saying so. Critical risk is never covered.

create table if not exists standing_approvals (
  id          uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  project_id  uuid not null references projects(id) on delete cascade,
  max_risk    text not null check (max_risk in ('low', 'medium', 'high')),
  granted_by  uuid references users(id) on delete set null,
  granted_at  timestamptz not null default now(),
  notes       text,
  unique (project_id)
);
create index if not exists standing_approvals_workspace_idx on standing_approvals (workspace_id);

-- An approval approved by a standing approval when it was raised (not by a person deciding it).
alter table pending_approvals
  add column if not exists standing_approval_id uuid references standing_approvals(id) on delete set null;

alter table standing_approvals enable row level security;
drop policy if exists standing_approvals_isolation on standing_approvals;
create policy standing_approvals_isolation on standing_approvals
  using ((select app.all_workspaces()) or workspace_id = (select app.current_workspace_id()))
  with check (workspace_id = (select app.current_workspace_id()) or ((select app.all_workspaces()) and workspace_id is not null));
