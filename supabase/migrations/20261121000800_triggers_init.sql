-- What starts or reports on projects from outside a conversation: incoming webhooks (start a
-- project from a template), outgoing webhooks (project events), their deliveries, and schedules.

create table if not exists webhooks (
  id                 uuid primary key default gen_random_uuid(),
  workspace_id       uuid not null references workspaces(id) on delete cascade,
  direction          text not null check (direction in ('incoming', 'outgoing')),
  name               text not null check (length(name) between 1 and 200),
  enabled            boolean not null default true,
  -- HMAC-SHA256 key used to verify incoming and sign outgoing requests. Verifying an HMAC needs
  -- the key itself, so it cannot be kept as a one-way hash; never returned after creation.
  secret             text not null check (length(secret) >= 16),
  -- Incoming: the project template to start and defaults merged under the request body.
  template           text,
  payload_defaults   jsonb not null default '{}'::jsonb,
  -- Outgoing: where to POST and which events (e.g. 'project.completed') to send.
  url                text check (url ~ '^https?://'),
  events             text[] not null default '{}',
  -- Consecutive failed deliveries; the API disables the hook past a threshold.
  failure_count      integer not null default 0 check (failure_count >= 0),
  last_triggered_at  timestamptz,
  created_by         uuid references users(id) on delete set null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  unique (workspace_id, direction, name),
  check (direction <> 'incoming' or (template is not null and url is null)),
  check (direction <> 'outgoing' or (url is not null and cardinality(events) > 0))
);
create index if not exists webhooks_outgoing_events_idx
  on webhooks using gin (events) where direction = 'outgoing' and enabled;

-- One row per incoming request received or outgoing event to deliver (with its retries).
create table if not exists webhook_deliveries (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  webhook_id       uuid not null references webhooks(id) on delete cascade,
  -- Sender's delivery id (incoming) or our event id (outgoing): replays are ignored.
  delivery_key     text,
  event            text,
  -- The project started (incoming) or reported on (outgoing).
  project_id       uuid references projects(id) on delete set null,
  payload          jsonb not null default '{}'::jsonb,
  -- 'rejected' is an incoming request with a bad signature or payload.
  status           text not null default 'pending'
                   check (status in ('pending', 'succeeded', 'failed', 'rejected')),
  attempt          integer not null default 0 check (attempt >= 0),
  next_attempt_at  timestamptz,
  response_status  integer,
  -- First few KB of the response, for debugging.
  response_body    text,
  error            text,
  duration_ms      integer check (duration_ms >= 0),
  delivered_at     timestamptz,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (webhook_id, delivery_key)
);
create index if not exists webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, created_at desc);
create index if not exists webhook_deliveries_due_idx
  on webhook_deliveries (next_attempt_at) where status = 'pending';

create table if not exists schedules (
  id               uuid primary key default gen_random_uuid(),
  workspace_id     uuid not null references workspaces(id) on delete cascade,
  name             text not null check (length(name) between 1 and 200),
  -- Standard 5-field cron (or 6 with seconds), evaluated in `timezone`.
  cron_expression  text not null check (cron_expression ~ '^\S+(\s+\S+){4,5}$'),
  -- The phrase the user typed ("every weekday at 9:00"), when it was given that way.
  description      text,
  timezone         text not null default 'UTC',
  template         text not null,
  payload          jsonb not null default '{}'::jsonb,
  enabled          boolean not null default true,
  next_run_at      timestamptz,
  last_run_at      timestamptz,
  last_project_id  uuid references projects(id) on delete set null,
  last_error       text,
  created_by       uuid references users(id) on delete set null,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (workspace_id, name),
  check (not enabled or next_run_at is not null)
);
create index if not exists schedules_due_idx on schedules (next_run_at) where enabled;

drop trigger if exists webhooks_touch on webhooks;
create trigger webhooks_touch before update on webhooks
  for each row execute function app.touch_updated_at();
drop trigger if exists webhook_deliveries_touch on webhook_deliveries;
create trigger webhook_deliveries_touch before update on webhook_deliveries
  for each row execute function app.touch_updated_at();
drop trigger if exists schedules_touch on schedules;
create trigger schedules_touch before update on schedules
  for each row execute function app.touch_updated_at();

alter table webhooks enable row level security;
alter table webhook_deliveries enable row level security;
alter table schedules enable row level security;
drop policy if exists webhooks_isolation on webhooks;
create policy webhooks_isolation on webhooks using (workspace_id = app.current_workspace_id());
drop policy if exists webhook_deliveries_isolation on webhook_deliveries;
create policy webhook_deliveries_isolation on webhook_deliveries using (workspace_id = app.current_workspace_id());
drop policy if exists schedules_isolation on schedules;
create policy schedules_isolation on schedules using (workspace_id = app.current_workspace_id());
