import type { ExecutionGraphDeps } from './deps.js';

/** How long a step waits for its agent to have room before that counts as the agent being unavailable. */
export const DEFAULT_CAPACITY_WAIT_MS = 10 * 60_000;

/**
 * Takes a slot of the agent, waiting while it is busy with other tasks (its `maxConcurrent`).
 * A busy agent is not a failing one: parallel steps assigned to the same agent take turns
 * instead of burning their retries and pausing the project for a person. Polls back off from
 * 50 ms to 2 s; false once `capacityWaitMs` has passed without a free slot.
 */
export async function acquireWhenFree(
  deps: Pick<ExecutionGraphDeps, 'loads' | 'sleep' | 'capacityWaitMs'>,
  workspaceId: string,
  agent: string,
): Promise<boolean> {
  const limit = deps.capacityWaitMs ?? DEFAULT_CAPACITY_WAIT_MS;
  for (let waited = 0, round = 0; ; round++) {
    if (await deps.loads.acquire(workspaceId, agent)) return true;
    if (waited >= limit) return false;
    const pause = Math.min(2_000, 50 * 2 ** Math.min(round, 6));
    await deps.sleep(pause);
    waited += pause;
  }
}
