import type { AgentLoadTracker } from './ports.js';

export interface CapacityWaitDeps {
  loads: AgentLoadTracker;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Takes a slot of the agent, waiting while it is busy with other tasks (its `maxConcurrent`).
 * A busy agent is not a failing one: tasks for the same agent take turns instead of going to a
 * worse one (or, in a project, burning their retries and pausing for a person). Polls back off
 * from 50 ms to 2 s; false once `waitMs` has passed without a free slot.
 */
export async function acquireWhenFree(
  deps: CapacityWaitDeps,
  workspaceId: string,
  agent: string,
  waitMs: number,
): Promise<boolean> {
  for (let waited = 0, round = 0; ; round++) {
    if (await deps.loads.acquire(workspaceId, agent)) return true;
    if (waited >= waitMs) return false;
    const pause = Math.min(2_000, 50 * 2 ** Math.min(round, 6));
    await deps.sleep(pause);
    waited += pause;
  }
}
