-- Conversations with the CEO orchestrator and their messages.
-- `seq` gives a total order per database that clients use as a catch-up cursor.

create table if not exists conversations (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  created_by       uuid references users(id) on delete set null,
  title            text not null default 'New conversation' check (length(title) between 1 and 200),
  -- Sticky delegation target for follow-ups (SPEC §3.4).
  active_agent     text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  last_message_at  timestamptz
);
create index if not exists conversations_workspace_recent_idx
  on conversations (workspace_id, coalesce(last_message_at, created_at) desc, id desc);

create table if not exists messages (
  id               uuid primary key default gen_random_uuid(),
  seq              bigint generated always as identity unique,
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  conversation_id  uuid not null references conversations(id) on delete cascade,
  role             text not null check (role in ('user', 'assistant', 'agent', 'system')),
  author_user_id   uuid references users(id) on delete set null,
  agent_name       text,
  content          text not null check (length(content) between 1 and 32000),
  -- Structured extras: intent, offline flag, plan reference, token usage…
  metadata         jsonb not null default '{}'::jsonb,
  created_at       timestamptz not null default now()
);
create index if not exists messages_conversation_seq_idx on messages (conversation_id, seq);
create index if not exists messages_workspace_idx on messages (workspace_id, created_at desc);

drop trigger if exists conversations_touch on conversations;
create trigger conversations_touch before update on conversations
  for each row execute function app.touch_updated_at();

alter table conversations enable row level security;
alter table messages enable row level security;
drop policy if exists conversations_isolation on conversations;
create policy conversations_isolation on conversations using (workspace_id = app.current_workspace_id());
drop policy if exists messages_isolation on messages;
create policy messages_isolation on messages using (workspace_id = app.current_workspace_id());
