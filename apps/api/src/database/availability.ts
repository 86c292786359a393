import { isDatabaseUnavailable } from '@orchestrator/db';
import type { Logger } from 'pino';

/** First wait before probing a lost database; it doubles up to PROBE_MAX_MS. */
const PROBE_MIN_MS = 100;
const PROBE_MAX_MS = 2_000;

export type RecoveryListener = () => Promise<void> | void;

/**
 * Whether this process can reach its database, as far as it knows. It turns unavailable at once
 * when the embedded postmaster exits or a pooled connection breaks (readiness answers 503 without
 * waiting for a query to time out), probes until a query succeeds, then tells its listeners so
 * that work interrupted by the outage is picked up again (docs/operations.md, "Database outages").
 */
export class DatabaseAvailability {
  private outage?: { since: number; reason: string };
  private readonly listeners = new Set<RecoveryListener>();
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  get available(): boolean {
    return this.outage === undefined;
  }

  /** Why the database is unavailable; undefined while it is available. */
  get reason(): string | undefined {
    return this.outage?.reason;
  }

  /** The database was seen to go away: unavailable until a probe succeeds. */
  lost(reason: string): void {
    if (this.outage || this.closed) return;
    this.outage = { since: Date.now(), reason };
    this.log.error({ reason }, 'database unavailable: requests answer 503 database/unavailable until it is back');
    this.schedule(PROBE_MIN_MS);
  }

  /** Marks the database lost when `err` says it cannot be reached; true if it did. */
  report(err: unknown): boolean {
    if (!isDatabaseUnavailable(err)) return false;
    this.lost(err instanceof Error ? err.message : String(err));
    return true;
  }

  /** Runs `listener` each time the database is back after an outage. */
  onRecovered(listener: RecoveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => void this.check(delay), delay);
    this.timer.unref();
  }

  private async check(delay: number): Promise<void> {
    try {
      await this.probe();
    } catch {
      if (!this.closed) this.schedule(Math.min(delay * 2, PROBE_MAX_MS));
      return;
    }
    const since = this.outage?.since ?? Date.now();
    this.outage = undefined;
    this.log.warn({ downMs: Date.now() - since }, 'database available again: resuming interrupted work');
    for (const listener of this.listeners) {
      try {
        await listener();
      } catch (err) {
        this.log.error({ err }, 'could not resume work after the database came back; it resumes at the next recovery');
      }
    }
  }
}

/**
 * pg-boss 10 completes and fails jobs without awaiting the query, so during an outage that
 * rejection reaches nobody and Node would end the process. It only means the job stays
 * unfinished until the database is back, when the runner picks its project up again; it is taken
 * as news of the outage. Any other unhandled rejection still ends the process, as by default.
 * Returns the function that removes the handler.
 */
export function tolerateOutageRejections(availability: DatabaseAvailability): () => void {
  const handler = (reason: unknown) => {
    if (!availability.report(reason)) throw reason;
  };
  process.on('unhandledRejection', handler);
  return () => process.off('unhandledRejection', handler);
}
