import type { ExecutionControl, RunContext } from '@orchestrator/core';

/** How often a run looks at its project's status between batches (pause, cancel, abort). */
export const STOP_CHECK_INTERVAL_MS = 200;
const STALE_AFTER_INTERVALS = 50;

/**
 * Pause and cancel reach a running project through its row. A run asks between batches; a chain
 * of quick steps finishes hundreds of batches a second, so the row is read at most once per
 * interval per project: a pause takes effect within that interval, at the next batch boundary.
 */
export function throttledStopCheck(
  isStopped: (ctx: RunContext) => Promise<boolean>,
  intervalMs = STOP_CHECK_INTERVAL_MS,
  now: () => number = Date.now,
): ExecutionControl {
  const lastRead = new Map<string, number>();
  return {
    shouldStop: async (ctx) => {
      const at = now();
      if (at - (lastRead.get(ctx.projectId) ?? -Infinity) < intervalMs) return false;
      lastRead.set(ctx.projectId, at);
      // Runs that ended are forgotten once they are well past the interval (bounded memory).
      for (const [project, read] of lastRead)
        if (at - read > STALE_AFTER_INTERVALS * intervalMs) lastRead.delete(project);
      const stopped = await isStopped(ctx);
      if (stopped) lastRead.delete(ctx.projectId);
      return stopped;
    },
  };
}
