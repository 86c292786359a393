import type pg from 'pg';
import { OutboxWriteDropped } from './errors.js';

/** A bookkeeping write (step row, audit entry, event row) run inside a checkpoint's transaction. */
export type OutboxWrite = (client: pg.PoolClient) => Promise<void>;

/**
 * A bookkeeping write given as SQL instead of a function: it is fused into the checkpoint's own
 * statement as data-modifying CTEs, so it needs no transaction (no BEGIN/COMMIT round trips).
 * `build` gets a placeholder allocator for parameter values and a namer that makes its CTE names
 * unique within the statement (refer to an earlier CTE of the same write through it). The rows
 * of the CTE named `returning` come back (as JSON) once the statement commits.
 */
export interface OutboxStatement {
  build: (param: (value: unknown) => string, name: (local: string) => string) => Array<{ name: string; sql: string }>;
  returning?: string;
}

/**
 * A set-based outbox statement: the write is one row of values, and the statements of one
 * `group` that commit together run as one — their rows in one jsonb array, the placeholder of
 * which `build` gets — so the SQL is the same whether one task finished or twenty: short to plan,
 * and preparable. The CTE named `returning` must carry each row's `_entry` (its position in the
 * array, added to the row) so that every writer gets back its own rows.
 */
export interface OutboxRowStatement {
  group: string;
  row: Record<string, unknown>;
  build: (rows: string, name: (local: string) => string) => Array<{ name: string; sql: string }>;
  returning?: string;
}

export type AnyOutboxStatement = OutboxStatement | OutboxRowStatement;

export interface OutboxEntry {
  write?: OutboxWrite;
  statement?: AnyOutboxStatement;
  /** Idempotency key: a newer write with the same key replaces this one while both are queued. */
  key?: string;
  /** Resolves the entry's promise (with a statement's returned rows), or rejects it when given a failure. */
  settle: (failure?: { error: unknown }, rows?: unknown[]) => void;
}

/**
 * Writes queued per (thread, slot), where a slot is what commits them: the next checkpoint of
 * a namespace (`ns:<namespace>`) or the saved writes of a task (`task:<task id>`). In-process
 * only: a crash loses what is queued, exactly like the work that never got saved — the run
 * resumes from what was saved and re-runs the rest, which queues the writes again.
 */
export class Outbox {
  private readonly queues = new Map<string, { threadId: string; entries: OutboxEntry[] }>();

  private static key(threadId: string, slot: string): string {
    return JSON.stringify([threadId, slot]);
  }

  /** Resolves once the write committed; rejects with the error if its transaction rolled back. */
  add(threadId: string, slot: string, write: OutboxWrite, key?: string): Promise<void> {
    const committed = this.push(threadId, slot, { write }, key).then(() => undefined);
    // As in push(): a write dropped before anyone awaits it is not an unhandled rejection.
    committed.catch(() => undefined);
    return committed;
  }

  /** Like add(), for a statement fused into the checkpoint's; resolves with its returned rows. */
  addStatement(threadId: string, slot: string, statement: AnyOutboxStatement, key?: string): Promise<unknown[]> {
    return this.push(threadId, slot, { statement }, key);
  }

  private push(
    threadId: string,
    slot: string,
    item: Pick<OutboxEntry, 'write' | 'statement'>,
    key?: string,
  ): Promise<unknown[]> {
    let settle!: OutboxEntry['settle'];
    const committed = new Promise<unknown[]>((resolve, reject) => {
      settle = (failure, rows) => (failure ? reject(failure.error) : resolve(rows ?? []));
    });
    // Nodes do not await this promise (it settles only once their work is saved), so a
    // rollback must not surface as an unhandled rejection; awaiting it still sees the error.
    committed.catch(() => undefined);
    const k = Outbox.key(threadId, slot);
    const queue = this.queues.get(k) ?? { threadId, entries: [] };
    this.queues.set(k, queue);
    if (key !== undefined) {
      // A node retried by its RetryPolicy runs again and queues the same write again.
      const previous = queue.entries.findIndex((e) => e.key === key);
      if (previous >= 0)
        queue.entries
          .splice(previous, 1)[0]
          ?.settle({ error: new OutboxWriteDropped(`Outbox write "${key}" was replaced by a newer one`) });
    }
    queue.entries.push({ ...item, key, settle });
    return committed;
  }

  /** Removes and returns what is queued in one slot of a thread. */
  take(threadId: string, slot: string): OutboxEntry[] {
    const k = Outbox.key(threadId, slot);
    const queue = this.queues.get(k);
    if (!queue) return [];
    this.queues.delete(k);
    return queue.entries;
  }

  /** Removes and returns everything queued for a thread, in queueing order per slot. */
  takeThread(threadId: string): OutboxEntry[] {
    const taken: OutboxEntry[] = [];
    for (const [k, queue] of this.queues) {
      if (queue.threadId !== threadId) continue;
      this.queues.delete(k);
      taken.push(...queue.entries);
    }
    return taken;
  }

  size(threadId?: string): number {
    let n = 0;
    for (const queue of this.queues.values())
      if (threadId === undefined || queue.threadId === threadId) n += queue.entries.length;
    return n;
  }
}

/**
 * Runs `first` (the checkpoint or writes statement, if any) then the queued writes in one
 * transaction and settles every entry with the outcome. On failure nothing is re-queued: the
 * writes belong to work that was not saved, and re-running that work queues them again.
 * With `within` (a client in the caller's open transaction) they run in a savepoint of it
 * instead, and a failure rolls back to that savepoint, leaving the caller's transaction usable.
 */
export async function commitWithOutbox(
  pool: pg.Pool,
  entries: OutboxEntry[],
  first?: pg.QueryConfig,
  within?: pg.PoolClient,
): Promise<pg.QueryResult | undefined> {
  const verbs = within
    ? { begin: 'savepoint outbox', commit: 'release savepoint outbox', rollback: 'rollback to savepoint outbox' }
    : { begin: 'begin', commit: 'commit', rollback: 'rollback' };
  let client: pg.PoolClient;
  try {
    client = within ?? (await pool.connect());
  } catch (error) {
    for (const entry of entries) entry.settle({ error });
    throw error;
  }
  let broken: Error | undefined;
  let result: pg.QueryResult | undefined;
  try {
    await client.query(verbs.begin);
    if (first) result = await client.query(first);
    for (const entry of entries) await entry.write?.(client);
    await client.query(verbs.commit);
  } catch (error) {
    await client.query(verbs.rollback).catch((rollbackError: Error) => {
      // The connection is unusable: make the pool discard it instead of handing it out again.
      broken = rollbackError;
    });
    for (const entry of entries) entry.settle({ error });
    throw error;
  } finally {
    // The caller's client stays the caller's to release.
    if (!within) client.release(broken);
  }
  for (const entry of entries) entry.settle();
  return result;
}
