import { createHash } from 'node:crypto';
import { TASKS } from '@langchain/langgraph-checkpoint';
import type pg from 'pg';
import type { AnyOutboxStatement } from './outbox.js';

/** Tables created by supabase/migrations/20261121001100_project_checkpoints_init.sql. */
export const TABLES = {
  checkpoints: 'checkpoints.checkpoints',
  blobs: 'checkpoints.blobs',
  writes: 'checkpoints.writes',
} as const;

/** Statements with more rows than this stay unnamed, so the per-connection cache stays small. */
const MAX_PREPARED_ROWS = 64;
const names = new Map<string, string>();

/**
 * A query config, named when `prepare` is set: node-postgres then parses and plans the
 * statement once per connection and afterwards only binds and executes it — the same single
 * round trip, less server work. Names derive from the text, so one name never means two texts.
 */
export function statement(text: string, values: unknown[], prepare: boolean, rows = 1): pg.QueryConfig {
  if (!prepare || rows > MAX_PREPARED_ROWS) return { text, values };
  let name = names.get(text);
  if (name === undefined) {
    name = `ocp_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text, values };
}

/** One row of the read query: a checkpoint (kind 0), a channel value (1), a pending write (2) or a pre-v4 pending send of the parent (3). */
export interface ReadRow {
  kind: 0 | 1 | 2 | 3;
  thread_id: string;
  checkpoint_ns: string;
  /** The checkpoint the row belongs to (null for values, which checkpoints share). */
  checkpoint_id: string | null;
  /** kind 0: parent id · 1: channel · 2/3: task id */
  a: string | null;
  /** kind 0: checkpoint json · 1: version · 2/3: channel */
  b: string | null;
  /** kind 0: metadata json · 1/2/3: serializer type */
  c: string | null;
  /** kind 2/3: task path */
  d: string | null;
  /** kind 0: position in the result order · 2/3: write index */
  idx: number | null;
  blob: Buffer | null;
}

/**
 * Reads checkpoints with their channel values and pending writes in ONE round trip. Each
 * value comes back in its own row as a plain bytea column (node-postgres decodes that hex
 * natively), instead of PostgresSaver's array_agg of bytea, which it parses as text. A value
 * shared by several listed checkpoints is sent once. The lateral subqueries (kept apart by
 * `offset 0`) make every lookup an index probe by primary key: as plain joins the planner,
 * misjudging the size of `refs`, hashed whole tables (170 ms instead of 2 ms for a page of
 * 100 over 100k checkpoints). `where` holds the conditions on the checkpoints table; `limit`
 * is a literal or a parameter reference, so page sizes do not multiply statements.
 */
export function readQuery(where: string, limit: string): string {
  // The window runs over the already limited rows: in the same query level it would run
  // before the LIMIT, over every checkpoint of the thread.
  return `with cp as materialized (
  select *, row_number() over (order by checkpoint_id desc, thread_id desc, checkpoint_ns desc)::int as ord
  from (
    select thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata
    from ${TABLES.checkpoints}
    ${where}
    order by checkpoint_id desc, thread_id desc, checkpoint_ns desc
    limit ${limit}
  ) page
), refs as (
  select distinct cp.thread_id, cp.checkpoint_ns, v.key collate "C" as channel, v.value collate "C" as version
  from cp cross join lateral jsonb_each_text(cp.checkpoint -> 'channel_versions') v
)
select 0 as kind, thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id as a,
       checkpoint::text as b, metadata::text as c, null::text as d, ord as idx, null::bytea as blob
from cp
union all
select 1, refs.thread_id, refs.checkpoint_ns, null, refs.channel, refs.version, bl.type, null, null, bl.blob
from refs cross join lateral (
  select type, blob from ${TABLES.blobs} b
  where b.thread_id = refs.thread_id and b.checkpoint_ns = refs.checkpoint_ns and b.channel = refs.channel and b.version = refs.version
  offset 0
) bl
union all
select 2, cp.thread_id, cp.checkpoint_ns, cp.checkpoint_id, w.task_id, w.channel, w.type, w.task_path, w.idx, w.blob
from cp cross join lateral (
  select * from ${TABLES.writes} w
  where w.thread_id = cp.thread_id and w.checkpoint_ns = cp.checkpoint_ns and w.checkpoint_id = cp.checkpoint_id
  offset 0
) w
union all
select 3, cp.thread_id, cp.checkpoint_ns, cp.checkpoint_id, w.task_id, w.channel, w.type, w.task_path, w.idx, w.blob
from cp cross join lateral (
  select * from ${TABLES.writes} w
  where w.thread_id = cp.thread_id and w.checkpoint_ns = cp.checkpoint_ns and w.checkpoint_id = cp.parent_checkpoint_id
    and w.channel = '${TASKS}'
  offset 0
) w
where cp.parent_checkpoint_id is not null and (cp.checkpoint ->> 'v')::int < 4`;
}

/** Columns of one pending write row in a statement (after $1 thread and $2 namespace). */
export const WRITE_PARAMS = 7;

/**
 * `values` rows of pending writes from parameter `first` on: checkpoint id, task id, task path,
 * idx, channel, type, blob per row (thread and namespace are $1 and $2).
 */
function writeRows(first: number, writes: number): string {
  const rows: string[] = [];
  for (let i = 0; i < writes; i++) {
    const p = first + i * WRITE_PARAMS;
    rows.push(`($1, $2, $${p}, $${p + 1}, $${p + 2}, $${p + 3}::int, $${p + 4}, $${p + 5}, $${p + 6}::bytea)`);
  }
  return rows.join(', ');
}

/**
 * Regular writes keep the first value stored for their (task, idx): a retried task must not
 * change what was already recorded. Special channels (negative idx: error, interrupt, resume…)
 * take the latest value, as MemorySaver does.
 */
function insertWrites(first: number, writes: number): string {
  return `insert into ${TABLES.writes}
  (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, blob)
values ${writeRows(first, writes)}
on conflict (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
do update set channel = excluded.channel, type = excluded.type, blob = excluded.blob, task_path = excluded.task_path
where excluded.idx < 0`;
}

/**
 * The checkpoint row, the channel values it introduces and the pending writes of the tasks
 * that finished just before it (see WriteBatcher), in one statement: it commits atomically
 * without BEGIN/COMMIT round trips. A value already stored under the same (channel, version) is
 * kept: versions are unique per thread+namespace (see getNextVersion).
 * Parameters: $1 thread, $2 ns, $3 id, $4 parent id, $5 checkpoint json, $6 metadata json,
 * then channel, version, type, blob for each value, then WRITE_PARAMS per write.
 */
export function putQuery(values: number, writes = 0): string {
  return partsText(putParts(values, writes));
}

/** A statement as its data-modifying CTEs and its main statement, so more can be fused in. */
export interface StatementParts {
  ctes: string[];
  main: string;
}

const partsText = ({ ctes, main }: StatementParts) => (ctes.length === 0 ? main : `with ${ctes.join(', ')}\n${main}`);

export function putParts(values: number, writes = 0): StatementParts {
  const insertCheckpoint = `insert into ${TABLES.checkpoints}
  (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata)
values ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
on conflict (thread_id, checkpoint_ns, checkpoint_id)
do update set checkpoint = excluded.checkpoint, metadata = excluded.metadata`;
  const ctes: string[] = [];
  if (values > 0) {
    const rows: string[] = [];
    for (let i = 0; i < values; i++) {
      const p = 7 + i * 4;
      rows.push(`($1, $2, $${p}, $${p + 1}, $${p + 2}, $${p + 3}::bytea)`);
    }
    ctes.push(`new_values as (
  insert into ${TABLES.blobs} (thread_id, checkpoint_ns, channel, version, type, blob)
  values ${rows.join(', ')}
  on conflict (thread_id, checkpoint_ns, channel, version) do nothing
)`);
  }
  if (writes > 0) ctes.push(`pending_writes as (\n${insertWrites(7 + values * 4, writes)}\n)`);
  return { ctes, main: insertCheckpoint };
}

/**
 * Pending writes of one or more tasks (of one thread and namespace) in one statement.
 * Parameters: $1 thread, $2 ns, then WRITE_PARAMS per write.
 */
export function putWritesQuery(writes: number): string {
  return insertWrites(3, writes);
}

export const putWritesParts = (writes: number): StatementParts => ({ ctes: [], main: insertWrites(3, writes) });

/** Fused outbox statements (see OutboxStatement): their SQL, and how to read each one's rows. */
export interface FusedStatement {
  text: string;
  values: unknown[];
  /** Where statement i's returned rows are: a column of the result row (JSON), and for a row statement its `_entry`. */
  columns: Array<{ column: string; entry?: number } | undefined>;
  /** Statements as Postgres sees them: row statements of one group count once. */
  units: number;
}

/**
 * Fuses outbox statements into a statement (or, without `parts`, into one of their own): the
 * base becomes CTE `checkpoint_main`, each statement adds its CTEs, and the final select
 * returns each statement's `returning` rows as a JSON column. Row statements of one group
 * become one set of CTEs over all their rows. All CTEs see one snapshot — the writes must not
 * touch the same rows. Without statements the base is unchanged.
 */
export function fuse(
  parts: StatementParts | null,
  values: unknown[],
  statements: AnyOutboxStatement[],
): FusedStatement {
  if (statements.length === 0) return { text: parts ? partsText(parts) : 'select 1', values, columns: [], units: 0 };
  const all = [...values];
  const param = (value: unknown) => {
    all.push(value);
    return `$${all.length}`;
  };
  const ctes = [...(parts?.ctes ?? [])];
  if (parts) ctes.push(`checkpoint_main as (\n${parts.main}\n)`);
  const selected: string[] = [];
  const add = (prefix: string, built: Array<{ name: string; sql: string }>, returning: string | undefined) => {
    const name = (local: string) => `${prefix}_${local}`;
    for (const cte of built) ctes.push(`${name(cte.name)} as (\n${cte.sql}\n)`);
    if (!returning) return undefined;
    selected.push(`(select coalesce(json_agg(r), '[]'::json) from ${name(returning)} r) as ${prefix}`);
    return prefix;
  };
  const groups = new Map<string, { column: string | undefined; rows: Record<string, unknown>[] }>();
  const columns = statements.map((st, i): FusedStatement['columns'][number] => {
    if (!('group' in st)) {
      const column = add(
        `outbox_${i}`,
        st.build(param, (local) => `outbox_${i}_${local}`),
        st.returning,
      );
      return column ? { column } : undefined;
    }
    let group = groups.get(st.group);
    if (!group) {
      const prefix = `outbox_g${groups.size}`;
      const rows: Record<string, unknown>[] = [];
      // The rows placeholder is bound now and filled below, once every member has joined.
      const placeholder = param(rows);
      group = {
        column: add(
          prefix,
          st.build(placeholder, (local) => `${prefix}_${local}`),
          st.returning,
        ),
        rows,
      };
      groups.set(st.group, group);
    }
    const entry = group.rows.length;
    group.rows.push({ ...st.row, _entry: entry });
    return group.column ? { column: group.column, entry } : undefined;
  });
  // Each group's rows go to Postgres as one jsonb text.
  const rowArrays = new Set<unknown>([...groups.values()].map((g) => g.rows));
  const bound = all.map((v) => (rowArrays.has(v) ? JSON.stringify(v) : v));
  const units = statements.filter((st) => !('group' in st)).length + groups.size;
  return {
    text: `with ${ctes.join(',\n')}\nselect ${selected.length > 0 ? selected.join(', ') : '1 as done'}`,
    values: bound,
    columns,
    units,
  };
}

/** Every row of a thread, all namespaces, in one atomic statement. */
export const DELETE_THREAD = `with gone_values as (
  delete from ${TABLES.blobs} where thread_id = $1
), gone_writes as (
  delete from ${TABLES.writes} where thread_id = $1
)
delete from ${TABLES.checkpoints} where thread_id = $1`;
