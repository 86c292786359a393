-- A project planned in a conversation reports back there when it ends (completed, failed or
-- stopped): one message, written in the transaction that marks the project's end. Terminal
-- states are final, so there is at most one report per project; this index makes a repeated
-- write (a retried transaction, a second path ending the same project) a no-op instead of a
-- duplicate (project-reports.repository.ts inserts with `on conflict do nothing`).
create unique index if not exists messages_project_report_once
  on messages (workspace_id, ((metadata -> 'projectReport' ->> 'projectId')))
  where metadata ? 'projectReport';
