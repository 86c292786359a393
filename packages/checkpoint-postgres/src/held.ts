import type { ReadRow } from './sql.js';

interface HeldThread {
  holders: number;
  /** Bumped by every write of the thread: a read that overlapped one is not kept. */
  writes: number;
  /** The rows of the latest checkpoint per namespace, as read (empty: the thread has none). */
  latest: Map<string, ReadRow[]>;
}

/**
 * Threads a caller holds (PostgresCheckpointSaver.hold): while it does, it is the only writer of
 * the thread (a project's run under the project's lock), so the latest checkpoint read once
 * stays true until this saver writes the thread again. A run reads its thread's head several
 * times before it writes anything (its open questions, whether it started, LangGraph's own read
 * when the stream begins): held, those cost one round trip instead of three. Rows are kept as
 * read and decoded afresh for every caller, as a read from Postgres would be.
 */
export class HeldThreads {
  private readonly threads = new Map<string, HeldThread>();

  hold(threadId: string): void {
    const held = this.threads.get(threadId);
    if (held) held.holders++;
    else this.threads.set(threadId, { holders: 1, writes: 0, latest: new Map() });
  }

  release(threadId: string): void {
    const held = this.threads.get(threadId);
    if (held && --held.holders <= 0) this.threads.delete(threadId);
  }

  /**
   * For a read of the thread's latest checkpoint in `ns`: the rows kept from an earlier read, or
   * (none kept) a function that keeps this read's rows unless the thread was written meanwhile.
   * Undefined when the thread is not held.
   */
  read(threadId: string, ns: string): { rows: ReadRow[] } | { keep: (rows: ReadRow[]) => void } | undefined {
    const held = this.threads.get(threadId);
    if (!held) return undefined;
    const rows = held.latest.get(ns);
    if (rows) return { rows };
    const writes = held.writes;
    return {
      keep: (read) => {
        if (this.threads.get(threadId) === held && held.writes === writes) held.latest.set(ns, read);
      },
    };
  }

  /** The thread was (or is about to be) written: what is kept of it no longer holds. */
  written(threadId: string | undefined): void {
    if (threadId === undefined) {
      for (const held of this.threads.values()) this.forget(held);
      return;
    }
    const held = this.threads.get(threadId);
    if (held) this.forget(held);
  }

  private forget(held: HeldThread): void {
    held.writes++;
    held.latest.clear();
  }
}
