-- Editing agents in the Workforce view (SPEC §3.7, journey 3): every save is a new
-- agent_versions row, and every task records the Context.md version its agent ran with, so a
-- result can be traced to the exact instructions behind it.

-- project_steps.context_version exists since the projects migration; chat delegations get it too.
alter table project_steps add column if not exists context_version integer;
alter table delegation_history add column if not exists context_version integer;

-- The version history of one agent, newest first (the Workforce history list and keyset paging).
create index if not exists agent_versions_agent_idx on agent_versions (workspace_id, agent_name, version desc);

-- Versions are history: a save appends and nothing rewrites a row. (Deletes stay possible so a
-- removed workspace cascades.)
create or replace function app.agent_versions_append_only() returns trigger
  language plpgsql as $$
begin
  raise exception 'agent_versions is append-only (% refused)', tg_op using errcode = 'check_violation';
end;
$$;
drop trigger if exists agent_versions_append_only on agent_versions;
create trigger agent_versions_append_only before update on agent_versions
  for each row execute function app.agent_versions_append_only();
