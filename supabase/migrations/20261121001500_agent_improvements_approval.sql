-- Improving agents (IMPROVE_AGENT): each proposal waits on an approval of kind
-- 'agent_improvement' and runs on its own LangGraph thread (`agent-improvement:<id>`).

-- The approval that decides the proposal (one per improvement), and where the feedback came from.
alter table agent_improvements add column if not exists approval_id uuid references pending_approvals(id) on delete set null;
alter table agent_improvements add column if not exists conversation_id uuid references conversations(id) on delete set null;
-- Why the proposal ended as it did (rejected with the reviewer's notes, failed on a version conflict…).
alter table agent_improvements add column if not exists status_reason text;
-- Who restored the previous version (one click in the Workforce view) and which version that made.
alter table agent_improvements add column if not exists rolled_back_version integer;

create unique index if not exists agent_improvements_approval_idx
  on agent_improvements (approval_id) where approval_id is not null;

-- Never more than one open proposal per agent: a second trigger finds the open one instead.
create unique index if not exists agent_improvements_one_open_idx
  on agent_improvements (workspace_id, agent_name) where status in ('proposed', 'pending_approval', 'approved');
