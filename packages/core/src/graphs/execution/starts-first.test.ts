import { describe, expect, it } from 'vitest';
import { StartsFirst } from './starts-first.js';

/** Whether the promise (or undefined: no wait) has settled once pending callbacks ran. */
async function settled(wait: Promise<void> | undefined): Promise<boolean> {
  if (!wait) return true;
  let done = false;
  void wait.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('StartsFirst', () => {
  it('should hold the steps of runs already going while another run is starting, until its first step', async () => {
    const starts = new StartsFirst(60_000);
    expect(await settled(starts.turn('going'))).toBe(true);
    starts.begin('new');
    const held = starts.turn('going');
    expect(await settled(held)).toBe(false);
    // The starting run's first step goes at once and ends its priority.
    expect(starts.turn('new')).toBeUndefined();
    expect(await settled(held)).toBe(true);
    expect(starts.waitingToStart).toBe(0);
  });

  it('should let every step of a starting run first batch go, and hold its later steps like any other', async () => {
    const starts = new StartsFirst(60_000);
    starts.begin('new');
    expect(starts.turn('new', 3)).toBeUndefined();
    starts.begin('newer');
    expect(starts.turn('new', 3)).toBeUndefined();
    expect(starts.turn('new', 3)).toBeUndefined();
    const later = starts.turn('new');
    expect(await settled(later)).toBe(false);
    starts.end('newer');
    expect(await settled(later)).toBe(true);
  });

  it('should wait for every run that is starting, and release the held steps when a run ends without a step', async () => {
    const starts = new StartsFirst(60_000);
    starts.begin('one');
    starts.begin('two');
    const held = starts.turn('going');
    starts.turn('one');
    expect(await settled(held)).toBe(false);
    starts.end('two');
    expect(await settled(held)).toBe(true);
  });

  it('should let a held step go after the longest wait even when runs are still starting', async () => {
    const starts = new StartsFirst(5);
    starts.begin('slow');
    await starts.turn('going');
    expect(starts.waitingToStart).toBe(1);
  });
});
