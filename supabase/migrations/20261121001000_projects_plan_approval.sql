-- Plan approval (Plan → Approve → Act): which plan version was approved, by whom and when.
-- The execution engine picks approved projects up; until then they wait in the projects list.

alter table projects add column if not exists approved_version integer check (approved_version >= 1);
alter table projects add column if not exists approved_at timestamptz;
alter table projects add column if not exists approved_by uuid references users(id) on delete set null;

create index if not exists projects_approved_waiting_idx
  on projects (workspace_id, approved_at)
  where approved_at is not null and status = 'awaiting_plan_approval';
