-- LangGraph checkpoint tables, in their own schema. The layout is the one
-- @langchain/langgraph-checkpoint-postgres (PostgresSaver, schema "langgraph") expects; its
-- migration counter is filled in so the saver's own setup() finds nothing to do and the schema
-- stays owned by these migrations. Thread ids are namespaced by the owning row
-- (`conversation:<uuid>`, `project:<uuid>`), which is what scopes them to a workspace.

create schema if not exists langgraph;

create table if not exists langgraph.checkpoint_migrations (
  v integer primary key
);

create table if not exists langgraph.checkpoints (
  thread_id             text not null,
  checkpoint_ns         text not null default '',
  checkpoint_id         text not null,
  parent_checkpoint_id  text,
  type                  text,
  checkpoint            jsonb not null,
  metadata              jsonb not null default '{}',
  primary key (thread_id, checkpoint_ns, checkpoint_id)
);

create table if not exists langgraph.checkpoint_blobs (
  thread_id      text not null,
  checkpoint_ns  text not null default '',
  channel        text not null,
  version        text not null,
  type           text not null,
  blob           bytea,
  primary key (thread_id, checkpoint_ns, channel, version)
);

create table if not exists langgraph.checkpoint_writes (
  thread_id      text not null,
  checkpoint_ns  text not null default '',
  checkpoint_id  text not null,
  task_id        text not null,
  idx            integer not null,
  channel        text not null,
  type           text,
  blob           bytea not null,
  primary key (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);

insert into langgraph.checkpoint_migrations (v) values (0), (1), (2), (3), (4)
on conflict do nothing;
