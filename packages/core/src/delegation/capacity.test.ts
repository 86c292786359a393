import { beforeAll, describe, expect, it } from 'vitest';
import { loadShippedWorkforce, type Workforce } from '../testing/facade-harness.js';
import { memoryLoads } from '../testing/ports.js';
import { acquireWhenFree } from './capacity.js';

const LONG = 10 * 60_000;

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

describe('acquireWhenFree', () => {
  it('should wait while the agent is busy and take its slot once the other task releases it', async () => {
    const loads = memoryLoads(workforce.registry, ['recruiter']);
    const pauses: number[] = [];
    const sleep = async (ms: number) => {
      pauses.push(ms);
      if (pauses.length === 3) await loads.release('ws', 'recruiter');
    };
    expect(await acquireWhenFree({ loads, sleep }, 'ws', 'recruiter', LONG)).toBe(true);
    expect(pauses).toEqual([50, 100, 200]);
    // The slot is now held by this caller.
    expect(await loads.acquire('ws', 'recruiter')).toBe(false);
  });

  it('should give up once the agent stayed busy for the whole wait', async () => {
    const loads = memoryLoads(workforce.registry, ['recruiter']);
    let slept = 0;
    const sleep = async (ms: number) => {
      slept += ms;
    };
    expect(await acquireWhenFree({ loads, sleep }, 'ws', 'recruiter', 10_000)).toBe(false);
    expect(slept).toBeGreaterThanOrEqual(10_000);
    expect(slept).toBeLessThan(12_000);
  });
});
