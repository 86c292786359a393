-- A finished step's completion is saved with its checkpoint as one narrow row here (inside the
-- checkpoint's own statement, so it commits exactly when the step's work is saved), and applied
-- to project_steps and audit_log right after, in batches, by the API (CompletionApplier). Rows
-- left by a process that died are applied at the next start or before the project runs again.
create table if not exists step_completions (
  id           bigint generated always as identity primary key,
  workspace_id uuid not null,
  project_id   uuid not null,
  -- One completion (apps/api/src/modules/execution/execution.rows.ts, completionRow).
  completion   jsonb not null,
  created_at   timestamptz not null default now()
);
create index if not exists step_completions_project_idx on step_completions (project_id, id);
