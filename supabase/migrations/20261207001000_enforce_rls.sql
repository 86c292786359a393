-- Row-level security becomes the API's own second line of defence (docs/security.md, "Tenant
-- isolation"): the API connects as a role without BYPASSRLS and sets, for every checkout of a
-- connection, the workspace the running code acts for (`app.workspace_id`) or, for a named
-- background task that scans every workspace, `app.all_workspaces = on`. A query that forgets
-- its `where workspace_id = …` then still sees only that workspace's rows.

create or replace function app.all_workspaces() returns boolean
language sql stable as $$
  select coalesce(current_setting('app.all_workspaces', true), '') = 'on'
$$;

-- Checkpoints carry no workspace: each row now records the one its writer acted for (the
-- session's, by default, so the checkpoint saver needs no change). Rows written before are
-- given theirs from the thread they belong to.
do $$
declare
  t text;
begin
  foreach t in array array[
    'checkpoints.checkpoints', 'checkpoints.blobs', 'checkpoints.writes',
    'langgraph.checkpoints', 'langgraph.checkpoint_blobs', 'langgraph.checkpoint_writes'
  ] loop
    execute format('alter table %s add column if not exists workspace_id uuid default app.current_workspace_id()', t);
    execute format(
      $sql$update %s c set workspace_id = o.workspace_id
           from (select 'project:' || id as thread_id, workspace_id from projects
                 union all select 'conversation:' || id, workspace_id from conversations
                 union all select 'agent-build:' || id, workspace_id from agent_builds
                 union all select 'agent-improvement:' || id, workspace_id from agent_improvements) o
           where c.thread_id = o.thread_id and c.workspace_id is null$sql$,
      t);
  end loop;
end $$;

-- One policy per tenant table: every table with a workspace_id (and workspaces itself), in the
-- schemas the API uses. `sessions` is not tenant data: its workspace_id is the workspace a
-- signed-in person acts in, and the session is looked up before any workspace is known.
-- The functions are wrapped in scalar subqueries so that they run once per statement, not per row.
do $$
declare
  r record;
  key text;
begin
  for r in
    select c.table_schema as schema_name, c.table_name
      from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
     where t.table_type = 'BASE TABLE'
       and c.table_schema in ('public', 'checkpoints', 'langgraph')
       and (c.column_name = 'workspace_id' or (c.table_schema = 'public' and c.table_name = 'workspaces' and c.column_name = 'id'))
       and not (c.table_schema = 'public' and c.table_name = 'sessions')
  loop
    key := case when r.table_name = 'workspaces' and r.schema_name = 'public' then 'id' else 'workspace_id' end;
    execute format('alter table %I.%I enable row level security', r.schema_name, r.table_name);
    execute format('drop policy if exists %I on %I.%I', r.table_name || '_isolation', r.schema_name, r.table_name);
    -- Across workspaces, rows must still name one: a checkpoint written outside any workspace
    -- would be invisible to the workspace that later reads it, so it fails loudly instead.
    execute format(
      'create policy %I on %I.%I using ((select app.all_workspaces()) or %I = (select app.current_workspace_id()))
         with check (%I = (select app.current_workspace_id()) or ((select app.all_workspaces()) and %I is not null))',
      r.table_name || '_isolation', r.schema_name, r.table_name, key, key, key);
  end loop;
end $$;

comment on function app.current_workspace_id() is
  'The workspace the session acts for: app.workspace_id, set by the API for every checkout of a connection, or a Supabase JWT claim.';
