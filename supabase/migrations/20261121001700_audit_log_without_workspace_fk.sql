-- The audit log is append-only and outlives what it describes (its project_id never had a
-- foreign key). The workspace foreign key made every audited step run an RI check that takes a
-- key-share lock on the workspace row — a shared hot row — inside the statement that saves the
-- step's checkpoint; and its ON DELETE CASCADE could never run (the append-only trigger refuses
-- deletes). Row-level security still scopes entries by workspace_id.
alter table audit_log drop constraint if exists audit_log_workspace_id_fkey;
