import type { OutboxEntry } from './outbox.js';

/** One pending write row: checkpoint id, task id, task path, idx, channel, type, blob. */
export type WriteRow = [string, string, string, number, string, string, Uint8Array];

/** The writes (and their outbox entries) of tasks of one thread+namespace waiting to be saved. */
export interface WriteBatch {
  threadId: string;
  ns: string;
  rows: WriteRow[];
  outbox: OutboxEntry[];
  /** Settles every putWrites promise of the batch: after its commit, or with the failure. */
  settle: (failure?: { error: unknown }) => void;
}

interface Pending extends WriteBatch {
  byKey: Map<string, number>;
  waiters: Array<(failure?: { error: unknown }) => void>;
}

/**
 * Group commit for putWrites. LangGraph saves each task's writes as the task finishes, without
 * waiting, and the superstep's checkpoint right after the last task (durability "sync" then
 * waits for all of them before the next superstep). Writes are held for at most `windowMs`
 * (0: until the next turn of the event loop): if the thread's checkpoint comes first they are
 * saved in its statement, otherwise together in one statement of their own. So a single-task
 * step costs one commit instead of two, and parallel tasks finishing close together share one.
 * Each putWrites promise still settles only once its rows are committed; what changes is that a
 * finished task's writes may become durable up to `windowMs` later (a crash in that window
 * re-runs the task on resume, exactly as a crash just before its putWrites would).
 */
export class WriteBatcher {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly save: (batch: WriteBatch) => Promise<void>,
    private readonly windowMs = 0,
  ) {}

  private static key(threadId: string, ns: string): string {
    return JSON.stringify([threadId, ns]);
  }

  /** Queues one task's writes; resolves once they are committed (alone or with a checkpoint). */
  add(threadId: string, ns: string, rows: WriteRow[], outbox: OutboxEntry[]): Promise<void> {
    const k = WriteBatcher.key(threadId, ns);
    let batch = this.pending.get(k);
    if (!batch) {
      const created: Pending = {
        threadId,
        ns,
        rows: [],
        outbox: [],
        byKey: new Map(),
        waiters: [],
        settle: (failure) => {
          for (const waiter of created.waiters) waiter(failure);
        },
      };
      batch = created;
      this.pending.set(k, created);
      const due = () => {
        if (this.pending.get(k) !== created) return; // taken by a checkpoint meanwhile
        this.pending.delete(k);
        this.save(created).then(
          () => created.settle(),
          (error: unknown) => created.settle({ error }),
        );
      };
      if (this.windowMs > 0) setTimeout(due, this.windowMs);
      else setImmediate(due);
    }
    for (const row of rows) {
      // One statement may not upsert a row twice: a regular write keeps its first value, a
      // special channel (negative idx) its latest, as separate statements would.
      const rowKey = `${row[0]}\u0000${row[1]}\u0000${row[3]}`;
      const at = batch.byKey.get(rowKey);
      if (at === undefined) {
        batch.byKey.set(rowKey, batch.rows.length);
        batch.rows.push(row);
      } else if (row[3] < 0) batch.rows[at] = row;
    }
    batch.outbox.push(...outbox);
    const target = batch;
    return new Promise<void>((resolve, reject) => {
      target.waiters.push((failure) => (failure ? reject(failure.error) : resolve()));
    });
  }

  /** Removes the writes waiting for a thread+namespace, for the checkpoint about to be saved. */
  take(threadId: string, ns: string): WriteBatch | undefined {
    const k = WriteBatcher.key(threadId, ns);
    const batch = this.pending.get(k);
    if (batch) this.pending.delete(k);
    return batch;
  }

  /** Saves now whatever waits for the thread (every namespace), e.g. before reading it. */
  async flush(threadId?: string): Promise<void> {
    const batches = [...this.pending.entries()].filter(([, b]) => threadId === undefined || b.threadId === threadId);
    await Promise.all(
      batches.map(async ([k, batch]) => {
        this.pending.delete(k);
        try {
          await this.save(batch);
          batch.settle();
        } catch (error) {
          batch.settle({ error });
          throw error;
        }
      }),
    );
  }
}
