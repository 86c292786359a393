import type pg from 'pg';
import { TABLES } from './sql.js';

export interface PruneResult {
  checkpoints: number;
  writes: number;
  blobs: number;
}

export interface PruneThreadOptions {
  /** Newest checkpoints to keep in each namespace of the thread; at least 1. */
  keepLast: number;
}

export interface PruneAllOptions extends PruneThreadOptions {
  /** Only checkpoints written before this instant are deleted, so recent history stays. */
  olderThan: Date;
  /** Checkpoints deleted per statement, so one sweep never holds locks on a huge set. */
  batchSize?: number;
}

function checkKeepLast(keepLast: number): void {
  // Deleting a namespace's newest checkpoint would lose the thread's state: never allowed.
  if (!Number.isInteger(keepLast) || keepLast < 1)
    throw new RangeError(`keepLast must be an integer >= 1 (got ${keepLast})`);
}

/**
 * Deletes `victims` (checkpoints picked from `ranked`, which numbers each thread+namespace's
 * checkpoints newest first as `rn` and carries their ctid as `row_id`), their pending writes,
 * and the stored values no surviving checkpoint of the same thread+namespace refers to. One
 * statement: every part sees the same snapshot, so "surviving" is computed from the rows it
 * does not delete, not re-read.
 *
 * Safe while the thread runs: a new checkpoint refers to values of its parent (the newest
 * checkpoint, always kept) or to values it inserts itself (invisible to this statement).
 * LangGraph may save a task's writes just after the next checkpoint: such writes for a
 * checkpoint deleted meanwhile are caught by a later prune, which drops every write older
 * than the oldest surviving checkpoint (uuid6 ids grow with time, so writes for a checkpoint
 * still being saved are never older). Only a fork from an old checkpoint that is being
 * pruned at that very moment could lose values.
 *
 * Rows are deleted by ctid, found through lateral subqueries (kept apart by `offset 0`) that
 * read one thread+namespace by primary-key prefix: as plain joins the planner, misjudging the
 * CTE sizes, hashed whole tables (1.6 s instead of a few ms for a thread of 500 checkpoints
 * among 100k).
 */
function pruneStatement(ranked: string, victims: string, touched: string): string {
  return `with ranked as materialized (${ranked}),
victims as materialized (${victims}),
touched as materialized (
  select r.thread_id, r.checkpoint_ns, min(r.checkpoint_id) filter (where v.row_id is null) as oldest_survivor
  from ranked r left join victims v
    on v.thread_id = r.thread_id and v.checkpoint_ns = r.checkpoint_ns and v.checkpoint_id = r.checkpoint_id
  where ${touched}
  group by r.thread_id, r.checkpoint_ns
), doomed as (
  delete from ${TABLES.checkpoints} where ctid = any(array(select row_id from victims))
  returning 1
), dropped_writes as (
  delete from ${TABLES.writes} where ctid = any(array(
    select w.row_id from touched t cross join lateral (
      select x.ctid as row_id from ${TABLES.writes} x
      where x.thread_id = t.thread_id and x.checkpoint_ns = t.checkpoint_ns and x.checkpoint_id < t.oldest_survivor
      offset 0
    ) w
    union
    select w.row_id from victims v cross join lateral (
      select x.ctid as row_id from ${TABLES.writes} x
      where x.thread_id = v.thread_id and x.checkpoint_ns = v.checkpoint_ns and x.checkpoint_id = v.checkpoint_id
      offset 0
    ) w))
  returning 1
), kept_refs as materialized (
  select distinct t.thread_id, t.checkpoint_ns, r.key collate "C" as channel, r.value collate "C" as version
  from touched t cross join lateral (
    select c.checkpoint_id, c.checkpoint from ${TABLES.checkpoints} c
    where c.thread_id = t.thread_id and c.checkpoint_ns = t.checkpoint_ns and c.checkpoint_id >= t.oldest_survivor
    offset 0
  ) c
  cross join lateral jsonb_each_text(c.checkpoint -> 'channel_versions') r
  where not exists (
    select 1 from victims v
    where v.thread_id = t.thread_id and v.checkpoint_ns = t.checkpoint_ns and v.checkpoint_id = c.checkpoint_id)
), dropped_blobs as (
  delete from ${TABLES.blobs} where ctid = any(array(
    select b.row_id from touched t cross join lateral (
      select x.ctid as row_id, x.channel, x.version from ${TABLES.blobs} x
      where x.thread_id = t.thread_id and x.checkpoint_ns = t.checkpoint_ns
      offset 0
    ) b
    where not exists (
      select 1 from kept_refs k
      where k.thread_id = t.thread_id and k.checkpoint_ns = t.checkpoint_ns and k.channel = b.channel and k.version = b.version)))
  returning 1
)
select (select count(*) from doomed)::int as checkpoints,
       (select count(*) from dropped_writes)::int as writes,
       (select count(*) from dropped_blobs)::int as blobs`;
}

const RANKED = `select ctid as row_id, thread_id, checkpoint_ns, checkpoint_id, created_at,
       row_number() over (partition by thread_id, checkpoint_ns order by checkpoint_id desc) as rn
from ${TABLES.checkpoints}`;

// Every namespace of the thread is cleaned, even one with nothing left to delete, so writes
// that arrived late for an already pruned checkpoint go too.
const PRUNE_THREAD = pruneStatement(
  `${RANKED} where thread_id = $1`,
  'select row_id, thread_id, checkpoint_ns, checkpoint_id from ranked where rn > $2',
  'true',
);

// No thread list needed: the window ranks every thread+namespace in SQL. The sort is
// bounded by the table, which is what this sweep keeps small. Only namespaces that lose
// checkpoints in this batch are cleaned.
const PRUNE_BATCH = pruneStatement(
  RANKED,
  'select row_id, thread_id, checkpoint_ns, checkpoint_id from ranked where rn > $1 and created_at < $2 limit $3',
  'exists (select 1 from victims v2 where v2.thread_id = r.thread_id and v2.checkpoint_ns = r.checkpoint_ns)',
);

/**
 * Runs one prune statement with JIT off. The planner cannot size the CTEs and estimates costs
 * in the hundreds of thousands, which makes a JIT-enabled server (Debian's Postgres) spend
 * ~0.7 s compiling a statement that runs in ~15 ms.
 */
async function runPrune(pool: pg.Pool, sql: string, params: unknown[]): Promise<PruneResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    await client.query('set local jit = off');
    const { rows } = await client.query<PruneResult>(sql, params);
    await client.query('commit');
    return rows[0] ?? { checkpoints: 0, writes: 0, blobs: 0 };
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Keeps the newest `keepLast` checkpoints of each namespace of a thread and deletes the rest. */
export async function pruneThread(pool: pg.Pool, threadId: string, options: PruneThreadOptions): Promise<PruneResult> {
  checkKeepLast(options.keepLast);
  return runPrune(pool, PRUNE_THREAD, [threadId, options.keepLast]);
}

/** Periodic sweep over every thread: batches until nothing old enough is left to delete. */
export async function pruneAll(pool: pg.Pool, options: PruneAllOptions): Promise<PruneResult> {
  checkKeepLast(options.keepLast);
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be an integer >= 1 (got ${batchSize})`);
  const total: PruneResult = { checkpoints: 0, writes: 0, blobs: 0 };
  for (;;) {
    const batch = await runPrune(pool, PRUNE_BATCH, [options.keepLast, options.olderThan, batchSize]);
    total.checkpoints += batch.checkpoints;
    total.writes += batch.writes;
    total.blobs += batch.blobs;
    if (batch.checkpoints < batchSize) return total;
  }
}
