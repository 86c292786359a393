import { describe, expect, it } from 'vitest';
import { Gather } from './gather.js';

describe('Gather', () => {
  it('should send the calls of one moment together and those made meanwhile in the next batch, in order', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gather = new Gather<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = [gather.add(1), gather.add(2)];
    await new Promise((r) => setImmediate(r));
    const later = [gather.add(3), gather.add(4), gather.add(5)];
    release();
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('should fail every call of a failed batch and go on with the next', async () => {
    const gather = new Gather<number, number>(async (items) => {
      if (items.includes(2)) throw new Error('batch failed');
      return items;
    });
    const failed = [gather.add(1), gather.add(2)];
    await expect(Promise.all(failed)).rejects.toThrow('batch failed');
    await expect(failed[0]).rejects.toThrow('batch failed');
    expect(await gather.add(3)).toBe(3);
  });

  it('should keep an item apart from a batch that has one like it', async () => {
    const batches: string[][] = [];
    const gather = new Gather<string, string>(
      async (items) => (batches.push(items), items),
      (item, batch) => batch.includes(item),
    );
    await Promise.all(['a', 'b', 'a', 'c'].map((i) => gather.add(i)));
    expect(batches).toEqual([
      ['a', 'b'],
      ['a', 'c'],
    ]);
  });
});
