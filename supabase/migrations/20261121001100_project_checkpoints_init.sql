-- Checkpoints of project runs, written by @orchestrator/checkpoint-postgres
-- (PostgresCheckpointSaver). Conversation threads keep using the `langgraph` schema of
-- PostgresSaver (20261121000050); these tables are separate so the two savers never share rows.
--
-- A schema of its own keeps the tables out of Supabase's Data API (only `public` is exposed)
-- and lets the saver name its tables plainly. There is no workspace_id column and no RLS:
-- rows are keyed by the LangGraph thread id `project:<uuid>`, and the project row (which has
-- workspace_id and RLS) is what scopes a thread to a workspace. Only the server reads these.
--
-- Key columns use the "C" collation: checkpoint ids (uuid6) are compared as bytes, the way
-- LangGraph compares them in JavaScript, whatever the database's default collation is.

create schema if not exists checkpoints;

-- One row per checkpoint. `checkpoint` is the LangGraph checkpoint without its channel
-- values (those are in `blobs`); `metadata` is jsonb so list() can filter with `@>`.
create table if not exists checkpoints.checkpoints (
  thread_id             text collate "C" not null,
  checkpoint_ns         text collate "C" not null default '',
  checkpoint_id         text collate "C" not null,
  parent_checkpoint_id  text collate "C",
  checkpoint            jsonb not null,
  metadata              jsonb not null default '{}',
  -- When the row was written: what pruneAll({ olderThan }) compares, so recent history
  -- stays available for time travel whatever keepLast is.
  created_at            timestamptz not null default now(),
  -- The primary key also serves "latest of a thread+namespace" and list() by thread
  -- (a backward scan of the index gives checkpoint_id descending).
  primary key (thread_id, checkpoint_ns, checkpoint_id)
);

-- Channel values, one row per (channel, version): a value is stored once, when its version
-- is created, and every later checkpoint that still has that version points at it through
-- checkpoint->'channel_versions'. Read back as plain bytea columns, one row per value.
create table if not exists checkpoints.blobs (
  thread_id      text collate "C" not null,
  checkpoint_ns  text collate "C" not null default '',
  channel        text collate "C" not null,
  version        text collate "C" not null,
  -- Serializer type tag; 'empty' marks a channel that was cleared (blob is null then).
  type           text not null,
  blob           bytea,
  primary key (thread_id, checkpoint_ns, channel, version)
);

-- Pending writes of a superstep, attached to the checkpoint the superstep started from.
-- Special channels (errors, interrupts, resume values) use negative idx values.
create table if not exists checkpoints.writes (
  thread_id      text collate "C" not null,
  checkpoint_ns  text collate "C" not null default '',
  checkpoint_id  text collate "C" not null,
  task_id        text collate "C" not null,
  idx            integer not null,
  channel        text not null,
  type           text not null,
  blob           bytea not null,
  -- Path of the task that wrote it: writes are replayed in (task_path, task_id, idx) order,
  -- the order live execution applied them in.
  task_path      text collate "C" not null default '',
  primary key (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);
