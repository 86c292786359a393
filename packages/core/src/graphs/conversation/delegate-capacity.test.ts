import { randomUUID } from 'node:crypto';
import type { DelegationInfo } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentLoadTracker } from '../../delegation/ports.js';
import { loadShippedWorkforce, orchestratorHarness, type Workforce } from '../../testing/facade-harness.js';
import { memoryLoads } from '../../testing/ports.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

/** The offline model's default typing pace (OFFLINE_STREAM_DELAY_MS). */
const OFFLINE_PACE_MS = 15;
const ROI_TASK = 'Calculate the ROI of a 120k tool that saves 8k a month over 3 years';

/** Loads with the ROI Calculator limited to `max`, counting the slots it holds right now. */
function countedLoads(max: number) {
  const base = memoryLoads(workforce.registry, [], { roi_calculator: max });
  const counter = { held: 0 };
  const loads: AgentLoadTracker = {
    snapshot: base.snapshot,
    acquire: async (ws, agent) => {
      const ok = await base.acquire(ws, agent);
      if (ok && agent === 'roi_calculator') counter.held++;
      return ok;
    },
    release: async (ws, agent) => {
      if (agent === 'roi_calculator') counter.held--;
      await base.release(ws, agent);
    },
  };
  return { loads, counter };
}

describe('a function agent in chat', () => {
  it('should be released before its answer is sent, and send the answer at once as one delta', async () => {
    const { loads, counter } = countedLoads(1);
    const heldWhileSending: number[] = [];
    // The offline model's typing pace is on, as in production: it must not apply to a computed result.
    const h = orchestratorHarness(workforce, undefined, {
      loads,
      chunkDelayMs: OFFLINE_PACE_MS,
      onDelta: () => heldWhileSending.push(counter.held),
    });
    const { reply } = await h.send(randomUUID(), ROI_TASK);
    expect((reply.metadata.delegation as DelegationInfo).kind).toBe('function');
    expect(reply.metadata).toMatchObject({ offline: true });
    expect(h.deltas.map((d) => d.delta)).toEqual([reply.content]);
    expect(heldWhileSending).toEqual([0]);
  });

  it('should give every one of many concurrent chats the computed answer when the work is quick', async () => {
    const { loads } = countedLoads(2);
    // Ten people, two slots: a slot held while the answer is shown, or a lost race for a slot
    // answered with another agent, would give most of them a manager's offline draft.
    const h = orchestratorHarness(workforce, undefined, { loads, chunkDelayMs: OFFLINE_PACE_MS });
    const replies = await Promise.all(Array.from({ length: 10 }, () => h.send(randomUUID(), ROI_TASK)));
    for (const { reply } of replies) {
      expect(reply.metadata.delegation).toMatchObject({
        agent: 'roi_calculator',
        kind: 'function',
        fallbackFrom: null,
      });
      expect(reply.content).not.toMatch(/unavailable|full capacity/);
      expect(reply.metadata.offlineDraft).toBeUndefined();
      expect(reply.content).toContain('ROI 140.0 %');
    }
  });
});
