import { describe, expect, it } from 'vitest';
import { batchedStopCheck } from './run-control.js';

const ctx = (projectId: string) => ({ workspaceId: 'w', projectId });

/** Reads recorded per call; every project is running unless listed in `stopped`. */
function statuses(stopped = new Set<string>()) {
  const reads: string[][] = [];
  const read = async (ids: string[]) => {
    reads.push(ids);
    return new Map(ids.map((id) => [id, stopped.has(id) ? 'paused_by_user' : 'running']));
  };
  return { reads, read, stopped };
}

describe('batchedStopCheck', () => {
  it('should read a project at most once per interval while it keeps running', async () => {
    let clock = 0;
    const s = statuses();
    const control = batchedStopCheck(s.read, 200, () => clock);
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    clock = 150;
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    expect(await control.shouldStop(ctx('b'))).toBe(false);
    clock = 200;
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    expect(s.reads).toEqual([['a'], ['b'], ['a']]);
  });

  it('should report a stop at the first read after the interval, and read again at once on the next run', async () => {
    let clock = 0;
    const s = statuses();
    const control = batchedStopCheck(s.read, 200, () => clock);
    await control.shouldStop(ctx('a'));
    s.stopped.add('a');
    clock = 100;
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    clock = 250;
    expect(await control.shouldStop(ctx('a'))).toBe(true);
    clock = 260;
    expect(await control.shouldStop(ctx('a'))).toBe(true);
    expect(s.reads).toHaveLength(3);
  });

  it('should read the projects that ask together in one read, and those asking meanwhile in the next', async () => {
    const s = statuses(new Set(['c']));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const control = batchedStopCheck(async (ids) => {
      if (s.reads.length === 0) await held;
      return s.read(ids);
    });
    const first = [control.shouldStop(ctx('a')), control.shouldStop(ctx('b'))];
    await Promise.resolve();
    const meanwhile = [control.shouldStop(ctx('c')), control.shouldStop(ctx('d'))];
    release();
    expect(await Promise.all([...first, ...meanwhile])).toEqual([false, false, true, false]);
    expect(s.reads).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('should fail the runs asking when the read fails', async () => {
    const control = batchedStopCheck(async () => {
      throw new Error('the database went away');
    });
    await expect(control.shouldStop(ctx('a'))).rejects.toThrow('the database went away');
  });
});
