-- GET /api/projects pages top-level projects newest first by (created_at, id), optionally by status
-- (projects.repository.ts#list). The indexes of projects_init were on updated_at, which no query
-- orders by: every list was a sequential scan and a sort, and every status change had to update
-- both indexes (no HOT update). These match the query, keyset cursor included; see
-- docs/performance.md for the plans.
drop index if exists projects_workspace_recent_idx;
drop index if exists projects_workspace_status_idx;

create index if not exists projects_workspace_created_idx
  on projects (workspace_id, created_at desc, id desc)
  where parent_project_id is null;

create index if not exists projects_workspace_status_created_idx
  on projects (workspace_id, status, created_at desc, id desc)
  where parent_project_id is null;
