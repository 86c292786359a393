import { describe, expect, it } from 'vitest';
import { throttledStopCheck } from './run-control.js';

const ctx = (projectId: string) => ({ workspaceId: 'w', projectId });

describe('throttledStopCheck', () => {
  it('reads a project at most once per interval while it keeps running', async () => {
    let clock = 0;
    const reads: string[] = [];
    const control = throttledStopCheck(
      async (c) => (reads.push(c.projectId), false),
      200,
      () => clock,
    );
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    clock = 150;
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    expect(await control.shouldStop(ctx('b'))).toBe(false);
    clock = 200;
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    expect(reads).toEqual(['a', 'b', 'a']);
  });

  it('reports a stop at the first read after the interval, and reads again at once on the next run', async () => {
    let clock = 0;
    let stopped = false;
    let reads = 0;
    const control = throttledStopCheck(
      async () => (reads++, stopped),
      200,
      () => clock,
    );
    await control.shouldStop(ctx('a'));
    stopped = true;
    clock = 100;
    expect(await control.shouldStop(ctx('a'))).toBe(false);
    clock = 250;
    expect(await control.shouldStop(ctx('a'))).toBe(true);
    clock = 260;
    expect(await control.shouldStop(ctx('a'))).toBe(true);
    expect(reads).toBe(3);
  });
});
