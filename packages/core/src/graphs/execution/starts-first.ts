/** How long a step of a run already going waits at most for runs that are starting. */
export const START_PRIORITY_MAX_WAIT_MS = 1_000;

/**
 * Runs that have not reached their first step go before the later steps of runs already going
 * (docs/performance.md). All runs of a process share one event loop and one database pool: a
 * newly approved project's start (its reads, its first checkpoints) would otherwise queue behind
 * every other project's next steps, and with many projects at once its first step would come
 * only when much of all the work is done. A step of a run past its start therefore waits at its
 * beginning while any run is starting — at most `maxWaitMs` per step, so a steady stream of new
 * runs slows the others down but never stops them.
 */
export class StartsFirst {
  /** Runs between their start and their first step. */
  private readonly starting = new Set<string>();
  /** Steps of a run's first batch still to let through (a parallel first batch starts together). */
  private readonly firstBatch = new Map<string, number>();
  private waiters: Array<() => void> = [];

  constructor(private readonly maxWaitMs = START_PRIORITY_MAX_WAIT_MS) {}

  /** The project's run starts: until its first step, it goes first. */
  begin(projectId: string): void {
    this.starting.add(projectId);
    this.firstBatch.delete(projectId);
  }

  /** The project's run ended (it may have ended before any step). */
  end(projectId: string): void {
    this.firstBatch.delete(projectId);
    if (this.starting.delete(projectId)) this.wakeIfNoneStarting();
  }

  /** Runs starting now. */
  get waitingToStart(): number {
    return this.starting.size;
  }

  /**
   * Called as a step begins (`batch`: how many steps were dispatched with it). The first steps of
   * a starting run go at once and end its priority; any other step waits while runs are starting.
   */
  turn(projectId: string, batch = 1): Promise<void> | undefined {
    const left = this.firstBatch.get(projectId);
    if (left !== undefined) {
      if (left <= 1) this.firstBatch.delete(projectId);
      else this.firstBatch.set(projectId, left - 1);
      return undefined;
    }
    if (this.starting.delete(projectId)) {
      if (batch > 1) this.firstBatch.set(projectId, batch - 1);
      this.wakeIfNoneStarting();
      return undefined;
    }
    if (this.starting.size === 0) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, this.maxWaitMs);
      timer.unref?.();
      this.waiters.push(done);
    });
  }

  private wakeIfNoneStarting(): void {
    if (this.starting.size > 0 || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
