import type { ExecutionControl, RunContext } from '@orchestrator/core';

/** How often a run looks at its project's status between batches (pause, cancel, abort). */
export const STOP_CHECK_INTERVAL_MS = 200;
const STALE_AFTER_INTERVALS = 50;

type Waiter = { resolve: (stopped: boolean) => void; reject: (err: unknown) => void };

/**
 * Pause and cancel reach a running project through its row. A run asks between batches; a chain
 * of quick steps finishes hundreds of batches a second, so a project's row is read at most once
 * per interval: a pause takes effect within that interval, at the next batch boundary. The runs
 * of this process share their reads: the projects due for a look are read together, in one
 * statement (and while it is in flight, the next ones gather for the one after), so many
 * projects running at once cost a handful of reads a second, not one each per interval.
 */
export function batchedStopCheck(
  /** The status of each project that still exists. */
  readStatuses: (projectIds: string[]) => Promise<Map<string, string>>,
  intervalMs = STOP_CHECK_INTERVAL_MS,
  now: () => number = Date.now,
): ExecutionControl {
  const lastRead = new Map<string, number>();
  let gathering: Map<string, Waiter[]> | undefined;
  let inFlight: Promise<void> | undefined;

  const read = async (due: Map<string, Waiter[]>): Promise<void> => {
    let statuses: Map<string, string>;
    try {
      statuses = await readStatuses([...due.keys()]);
    } catch (err) {
      // The runs asking fail as when each read its own row.
      for (const waiters of due.values()) for (const w of waiters) w.reject(err);
      return;
    }
    for (const [projectId, waiters] of due) {
      const stopped = statuses.get(projectId) !== 'running';
      // The project's next run reads afresh.
      if (stopped) lastRead.delete(projectId);
      for (const w of waiters) w.resolve(stopped);
    }
  };

  const flush = (): void => {
    const due = gathering;
    gathering = undefined;
    if (!due) return;
    inFlight = read(due).finally(() => {
      inFlight = undefined;
      flush();
    });
  };

  return {
    shouldStop: (ctx: RunContext) => {
      const at = now();
      if (at - (lastRead.get(ctx.projectId) ?? -Infinity) < intervalMs) return Promise.resolve(false);
      lastRead.set(ctx.projectId, at);
      // Runs that ended are forgotten once they are well past the interval (bounded memory).
      for (const [project, read] of lastRead)
        if (at - read > STALE_AFTER_INTERVALS * intervalMs) lastRead.delete(project);
      return new Promise<boolean>((resolve, reject) => {
        const first = !gathering;
        gathering ??= new Map();
        gathering.set(ctx.projectId, [...(gathering.get(ctx.projectId) ?? []), { resolve, reject }]);
        // Runs asking in the same turn share this read; with one in flight, the next waits for it.
        if (first && !inFlight) queueMicrotask(flush);
      });
    },
  };
}
