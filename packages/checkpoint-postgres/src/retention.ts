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
  if (!Number.isInteger(keepLast) || keepLast < 1) throw new RangeError(`keepLast must be an integer >= 1 (got ${keepLast})`);
}

/**
 * Deletes the checkpoints in `victims` (a CTE over the checkpoints table with thread_id,
 * checkpoint_ns, checkpoint_id), their pending writes, and the stored values no remaining
 * checkpoint of the same thread+namespace refers to. One statement: every part sees the same
 * snapshot, so "remaining" is computed from the rows it does not delete, not re-read.
 *
 * A put() running concurrently is safe: its checkpoint refers to values of its parent (the
 * newest checkpoint, which is always kept) or to values it inserts itself (not visible to
 * this statement). Only a fork from an old checkpoint that is being pruned at that moment
 * could lose values — prune threads that are not being time-travelled.
 */
function pruneStatement(victims: string): string {
  return `with ${victims},
doomed as (
  delete from ${TABLES.checkpoints} c using victims v
  where c.thread_id = v.thread_id and c.checkpoint_ns = v.checkpoint_ns and c.checkpoint_id = v.checkpoint_id
  returning c.thread_id, c.checkpoint_ns, c.checkpoint_id
), dropped_writes as (
  delete from ${TABLES.writes} w using doomed d
  where w.thread_id = d.thread_id and w.checkpoint_ns = d.checkpoint_ns and w.checkpoint_id = d.checkpoint_id
  returning 1
), touched as (
  select distinct thread_id, checkpoint_ns from victims
), kept_refs as (
  select distinct c.thread_id, c.checkpoint_ns, r.key collate "C" as channel, r.value collate "C" as version
  from ${TABLES.checkpoints} c
  join touched t on t.thread_id = c.thread_id and t.checkpoint_ns = c.checkpoint_ns
  cross join lateral jsonb_each_text(c.checkpoint -> 'channel_versions') r
  where not exists (
    select 1 from victims v
    where v.thread_id = c.thread_id and v.checkpoint_ns = c.checkpoint_ns and v.checkpoint_id = c.checkpoint_id)
), dropped_blobs as (
  delete from ${TABLES.blobs} b using touched t
  where b.thread_id = t.thread_id and b.checkpoint_ns = t.checkpoint_ns
    and not exists (
      select 1 from kept_refs k
      where k.thread_id = b.thread_id and k.checkpoint_ns = b.checkpoint_ns and k.channel = b.channel and k.version = b.version)
  returning 1
)
select (select count(*) from doomed)::int as checkpoints,
       (select count(*) from dropped_writes)::int as writes,
       (select count(*) from dropped_blobs)::int as blobs`;
}

const PRUNE_THREAD = pruneStatement(`victims as (
  select thread_id, checkpoint_ns, checkpoint_id from (
    select thread_id, checkpoint_ns, checkpoint_id,
           row_number() over (partition by checkpoint_ns order by checkpoint_id desc) as rn
    from ${TABLES.checkpoints} where thread_id = $1
  ) ranked where rn > $2
)`);

// No thread list needed: the window ranks every thread+namespace in SQL. The sort is
// bounded by the table, which is what this sweep keeps small.
const PRUNE_BATCH = pruneStatement(`victims as materialized (
  select thread_id, checkpoint_ns, checkpoint_id from (
    select thread_id, checkpoint_ns, checkpoint_id, created_at,
           row_number() over (partition by thread_id, checkpoint_ns order by checkpoint_id desc) as rn
    from ${TABLES.checkpoints}
  ) ranked where rn > $1 and created_at < $2
  limit $3
)`);

/** Keeps the newest `keepLast` checkpoints of each namespace of a thread and deletes the rest. */
export async function pruneThread(pool: pg.Pool, threadId: string, options: PruneThreadOptions): Promise<PruneResult> {
  checkKeepLast(options.keepLast);
  const { rows } = await pool.query<PruneResult>(PRUNE_THREAD, [threadId, options.keepLast]);
  return rows[0] ?? { checkpoints: 0, writes: 0, blobs: 0 };
}

/** Periodic sweep over every thread: batches until nothing old enough is left to delete. */
export async function pruneAll(pool: pg.Pool, options: PruneAllOptions): Promise<PruneResult> {
  checkKeepLast(options.keepLast);
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1 (got ${batchSize})`);
  const total: PruneResult = { checkpoints: 0, writes: 0, blobs: 0 };
  for (;;) {
    const { rows } = await pool.query<PruneResult>(PRUNE_BATCH, [options.keepLast, options.olderThan, batchSize]);
    const batch = rows[0] ?? { checkpoints: 0, writes: 0, blobs: 0 };
    total.checkpoints += batch.checkpoints;
    total.writes += batch.writes;
    total.blobs += batch.blobs;
    if (batch.checkpoints < batchSize) return total;
  }
}
