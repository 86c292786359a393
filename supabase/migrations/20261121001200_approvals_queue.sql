-- Approvals queue: a per-department approval expiry, and indexes for the queue, the personal
-- "needs my action" inbox and the sweeper that expires and escalates pending approvals.

-- How long an approval raised in this department waits before it expires (treated as rejected).
-- Null falls back to the API default (24 h).
alter table autonomy_policies add column if not exists approval_expiry_minutes integer
  check (approval_expiry_minutes between 1 and 525600);

-- The queue: newest first, keyset-paginated on (requested_at, id).
create index if not exists pending_approvals_workspace_recent_idx
  on pending_approvals (workspace_id, requested_at desc, id desc);

-- The inbox's human-assigned steps when no account is resolved yet (assigned_user_id is null);
-- project_steps_user_inbox_idx covers the assigned ones.
create index if not exists project_steps_waiting_for_human_idx
  on project_steps (workspace_id, updated_at desc) where status = 'waiting_for_human';
