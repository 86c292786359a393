-- A user message the orchestrator accepted and has not answered yet. The row is written in the
-- statement that stores the message and deleted in the one that stores its reply or failure
-- notice, so a process that dies mid-reply leaves it behind: another process (or this one after
-- a restart) answers it again once the lease runs out (docs/operations.md → Chat replies after a
-- crash).
create table if not exists pending_replies (
  message_id       uuid primary key references messages(id) on delete cascade,
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  conversation_id  uuid not null references conversations(id) on delete cascade,
  -- The id the reply streams and is stored under (kept across recoveries, new on Retry).
  reply_id         uuid not null,
  -- The API process answering it, and until when that claim holds; the owner renews it while it works.
  owner            text not null,
  lease_until      timestamptz not null,
  -- Times it was picked up again after its process died: one that keeps dying gets a notice instead.
  recoveries       integer not null default 0,
  created_at       timestamptz not null default now()
);
create index if not exists pending_replies_lease_idx on pending_replies (lease_until);
create index if not exists pending_replies_owner_idx on pending_replies (owner);

alter table pending_replies enable row level security;
drop policy if exists pending_replies_isolation on pending_replies;
create policy pending_replies_isolation on pending_replies using (workspace_id = app.current_workspace_id());
