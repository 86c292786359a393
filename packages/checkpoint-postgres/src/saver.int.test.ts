import { ERROR, INTERRUPT, TASKS, type CheckpointTuple } from '@langchain/langgraph-checkpoint';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresCheckpointSaver } from './saver.js';
import { countQueries, openTestPool, truncateCheckpoints, type TestPool } from './test-support/db.js';
import { checkpoint, config, metadata, threadId } from './test-support/factories.js';

let db: TestPool;
let saver: PostgresCheckpointSaver;
beforeAll(async () => {
  db = await openTestPool();
  saver = new PostgresCheckpointSaver(db.pool);
});
afterAll(async () => db.close());
beforeEach(async () => truncateCheckpoints(db.pool));

async function all<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of gen) out.push(item);
  return out;
}

const count = async (table: string, thread: string) =>
  (
    await db.pool.query<{ n: number }>(`select count(*)::int as n from checkpoints.${table} where thread_id = $1`, [
      thread,
    ])
  ).rows[0]!.n;

describe('round trips', () => {
  it('should send one statement per put, putWrites, getTuple and deleteThread', async () => {
    const thread = threadId();
    const cp = checkpoint({ a: 1, b: 'two', c: [3] }, { a: 1, b: 1, c: 1 });
    const put = await countQueries(() => saver.put(config(thread), cp, metadata(0), cp.channel_versions));
    const writes = await countQueries(() =>
      saver.putWrites(
        put.result,
        [
          ['a', 2],
          ['b', 'x'],
          [ERROR, 'boom'],
        ],
        'task-1',
      ),
    );
    const get = await countQueries(() => saver.getTuple(config(thread)));
    expect([put.queries.length, writes.queries.length, get.queries.length]).toEqual([1, 1, 1]);
    expect(get.result?.checkpoint.channel_values).toEqual({ a: 1, b: 'two', c: [3] });
    expect(get.result?.pendingWrites).toHaveLength(3);
    const del = await countQueries(() => saver.deleteThread(thread));
    expect(del.queries).toHaveLength(1);
  });

  it('should read a 1 MB value back as one bytea column', async () => {
    const thread = threadId();
    const big = 'x'.repeat(1024 * 1024);
    const bytes = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    const cp = checkpoint({ big, bytes }, { big: 1, bytes: 1 });
    const saved = await saver.put(config(thread), cp, metadata(0), cp.channel_versions);
    const { result: tuple, queries } = await countQueries(() => saver.getTuple(saved));
    expect(tuple?.checkpoint.channel_values.big).toBe(big);
    const read = tuple?.checkpoint.channel_values.bytes as Uint8Array;
    expect(read.constructor).toBe(Uint8Array);
    // Compared as buffers: a deep equality over a million elements takes seconds.
    expect(Buffer.compare(Buffer.from(read), Buffer.from(bytes))).toBe(0);
    // One plain bytea read: PostgresSaver's array_agg path, parsed as text, takes ~150 ms for 1 MB
    // (tests do not time things: pnpm bench does).
    expect(queries).toHaveLength(1);
    expect(queries[0]).not.toMatch(/array_agg/i);
  });
});

describe('hold', () => {
  it("should read a held thread's latest checkpoint once until the saver writes the thread", async () => {
    const thread = threadId();
    const first = checkpoint({ a: 1 }, { a: 1 });
    await saver.put(config(thread), first, metadata(0), first.channel_versions);
    saver.hold(thread);
    try {
      const reads = await countQueries(async () => [
        await saver.getTuple(config(thread)),
        await saver.getTuple(config(thread)),
      ]);
      expect(reads.queries).toHaveLength(1);
      const [one, two] = reads.result;
      expect(two).toEqual(one);
      // Each read gets objects of its own, as from Postgres.
      expect(two?.checkpoint.channel_values).not.toBe(one?.checkpoint.channel_values);
      const saved = await saver.put(config(thread), checkpoint({ a: 2 }, { a: 2 }), metadata(1), { a: 2 });
      const afterPut = await countQueries(() => saver.getTuple(config(thread)));
      expect(afterPut.queries).toHaveLength(1);
      expect(afterPut.result?.checkpoint.channel_values).toEqual({ a: 2 });
      await saver.putWrites(saved, [['a', 3]], 'task');
      const afterWrites = await countQueries(() => saver.getTuple(config(thread)));
      expect(afterWrites.queries).toHaveLength(1);
      expect(afterWrites.result?.pendingWrites).toEqual([['task', 'a', 3]]);
    } finally {
      saver.release(thread);
    }
    const released = await countQueries(async () => [
      await saver.getTuple(config(thread)),
      await saver.getTuple(config(thread)),
    ]);
    expect(released.queries).toHaveLength(2);
  });

  it('should keep that a held thread has no checkpoint yet, and not keep a read a write overtook', async () => {
    const thread = threadId();
    saver.hold(thread);
    try {
      const none = await countQueries(async () => [
        await saver.getTuple(config(thread)),
        await saver.getTuple(config(thread)),
      ]);
      expect(none.result).toEqual([undefined, undefined]);
      expect(none.queries).toHaveLength(1);
      // A read sent before a write, answered after it started: what it found is not kept.
      const cp = checkpoint({ a: 1 }, { a: 1 });
      const reading = saver.getTuple(config(thread));
      await saver.put(config(thread), cp, metadata(0), cp.channel_versions);
      await reading;
      expect((await saver.getTuple(config(thread)))?.checkpoint.id).toBe(cp.id);
    } finally {
      saver.release(thread);
    }
  });
});

describe('putWrites', () => {
  it('should keep the first value of a regular write and the latest of a special channel when a task writes again', async () => {
    const thread = threadId();
    const saved = await saver.put(config(thread), checkpoint(), metadata(0), {});
    await saver.putWrites(
      saved,
      [
        ['animals', 'dog'],
        [ERROR, 'first error'],
      ],
      'task',
    );
    await saver.putWrites(
      saved,
      [
        ['animals', 'cat'],
        [ERROR, 'second error'],
      ],
      'task',
    );
    const tuple = await saver.getTuple(saved);
    expect(tuple?.pendingWrites).toEqual([
      ['task', ERROR, 'second error'],
      ['task', 'animals', 'dog'],
    ]);
  });

  it('should store a special channel repeated within one call once, with its last value', async () => {
    const thread = threadId();
    const saved = await saver.put(config(thread), checkpoint(), metadata(0), {});
    await saver.putWrites(
      saved,
      [
        [INTERRUPT, 'a'],
        [INTERRUPT, 'b'],
      ],
      'task',
    );
    expect((await saver.getTuple(saved))?.pendingWrites).toEqual([['task', INTERRUPT, 'b']]);
  });

  it('should return pending writes in (task_path, task_id, idx) order when tasks write out of order', async () => {
    const thread = threadId();
    const saved = await saver.put(config(thread), checkpoint(), metadata(0), {});
    await saver.putWrites(
      saved,
      [
        ['c', 3],
        ['c', 4],
      ],
      'task-z',
      '~__pregel_pull, b',
    );
    await saver.putWrites(saved, [['c', 2]], 'task-y', '~__pregel_pull, a');
    await saver.putWrites(saved, [['c', 1]], 'task-x');
    const tuple = await saver.getTuple(saved);
    expect(tuple?.pendingWrites?.map((w) => w[2])).toEqual([1, 2, 3, 4]);
  });

  it('should reject writes without a checkpoint id', async () => {
    await expect(saver.putWrites(config(threadId()), [['a', 1]], 'task')).rejects.toThrow(/checkpoint_id/);
  });
});

describe('put and getTuple', () => {
  it('should drop a channel that a checkpoint empties', async () => {
    const thread = threadId();
    const first = checkpoint({ a: 1, b: 2 }, { a: 1, b: 1 });
    const saved = await saver.put(config(thread), first, metadata(0), first.channel_versions);
    const second = checkpoint({ a: 1 }, { a: 1, b: 2 });
    const next = await saver.put(saved, second, metadata(1), { b: 2 });
    expect((await saver.getTuple(next))?.checkpoint.channel_values).toEqual({ a: 1 });
    expect((await saver.getTuple(saved))?.checkpoint.channel_values).toEqual({ a: 1, b: 2 });
  });

  it('should accept metadata holding NUL characters, which jsonb rejects', async () => {
    const thread = threadId();
    const saved = await saver.put(
      config(thread),
      checkpoint(),
      { ...metadata(0), note: 'a\u0000b', path: 'c:\\u0000' } as never,
      {},
    );
    const tuple = await saver.getTuple(saved);
    expect(tuple?.metadata).toMatchObject({ note: 'ab', path: 'c:\\u0000' });
  });

  it('should give each tuple its own objects when checkpoints share a stored value', async () => {
    const thread = threadId();
    const first = checkpoint({ list: [1] }, { list: 1 });
    const saved = await saver.put(config(thread), first, metadata(0), first.channel_versions);
    await saver.put(saved, checkpoint({ list: [1] }, { list: 1 }), metadata(1), {});
    const [newest, oldest] = await all(saver.list(config(thread)));
    (newest!.checkpoint.channel_values.list as number[]).push(2);
    expect(oldest!.checkpoint.channel_values.list).toEqual([1]);
  });

  it('should present pre-v4 pending sends of the parent as the TASKS channel', async () => {
    const thread = threadId();
    const old = { ...checkpoint(), v: 1 };
    const saved = await saver.put(config(thread), old, metadata(0), {});
    await saver.putWrites(saved, [[TASKS, 'send-2']], 'task-b');
    await saver.putWrites(saved, [[TASKS, 'send-1']], 'task-a');
    const child = await saver.put(saved, { ...checkpoint(), v: 1 }, metadata(1), {});
    const tuple = await saver.getTuple(child);
    expect(tuple?.checkpoint.channel_values).toEqual({ [TASKS]: ['send-1', 'send-2'] });
    expect(tuple?.checkpoint.channel_versions[TASKS]).toBeDefined();
  });

  it('should work without prepared statements, as behind a transaction pooler', async () => {
    const plain = new PostgresCheckpointSaver(db.pool, { prepareStatements: false });
    const thread = threadId();
    const cp = checkpoint({ a: 1 }, { a: 1 });
    const saved = await plain.put(config(thread), cp, metadata(0), cp.channel_versions);
    await plain.putWrites(saved, [['a', 2]], 'task');
    const tuple = await plain.getTuple(config(thread));
    expect(tuple?.checkpoint.channel_values).toEqual({ a: 1 });
    expect(tuple?.pendingWrites).toEqual([['task', 'a', 2]]);
  });
});

describe('list', () => {
  async function history(thread: string, ns: string, n: number): Promise<string[]> {
    let parent = config(thread, ns);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const cp = checkpoint({ step: i }, { step: i + 1 });
      parent = await saver.put(parent, cp, metadata(i, i === 0 ? 'input' : 'loop'), { step: i + 1 });
      await saver.putWrites(parent, [['step', i + 1]], `task-${i}`);
      ids.push(cp.id);
    }
    return ids.reverse();
  }

  it('should page through a history longer than a page, newest first, with writes and values', async () => {
    const paged = new PostgresCheckpointSaver(db.pool, { listPageSize: 3 });
    const thread = threadId();
    const ids = await history(thread, '', 10);
    const { result, queries } = await countQueries(() => all(paged.list(config(thread))));
    expect(result.map((t) => t.checkpoint.id)).toEqual(ids);
    expect(result.map((t) => t.checkpoint.channel_values.step)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(result[0]?.pendingWrites).toEqual([['task-9', 'step', 10]]);
    expect(queries).toHaveLength(4);
    const limited = await all(paged.list(config(thread), { limit: 5, before: config(thread, '', ids[1]) }));
    expect(limited.map((t) => t.checkpoint.id)).toEqual(ids.slice(2, 7));
  });

  it('should page across threads and namespaces without losing or repeating checkpoints', async () => {
    const paged = new PostgresCheckpointSaver(db.pool, { listPageSize: 2 });
    const [a, b] = [threadId(), threadId()];
    const expected = [...(await history(a, '', 3)), ...(await history(a, 'child:1', 3)), ...(await history(b, '', 3))];
    const everything = await all(paged.list({}));
    expect(everything.map((t) => t.checkpoint.id).sort()).toEqual([...expected].sort());
    const threadA = await all(paged.list({ configurable: { thread_id: a } }));
    expect(threadA).toHaveLength(6);
    const ids = threadA.map((t) => t.checkpoint.id);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('should filter on metadata', async () => {
    const thread = threadId();
    await history(thread, '', 4);
    const inputs = await all(saver.list(config(thread), { filter: { source: 'input' } }));
    expect(inputs.map((t) => t.metadata?.step)).toEqual([0]);
    const step2 = await all(saver.list(config(thread), { filter: { source: 'loop', step: 2 } }));
    expect(step2.map((t) => t.metadata?.step)).toEqual([2]);
  });
});

describe('deleteThread', () => {
  it('should delete the checkpoints, values and writes of every namespace of the thread only', async () => {
    const [gone, kept] = [threadId(), threadId()];
    for (const thread of [gone, kept]) {
      for (const ns of ['', 'child:1']) {
        const cp = checkpoint({ a: 1 }, { a: 1 });
        const saved = await saver.put(config(thread, ns), cp, metadata(0), cp.channel_versions);
        await saver.putWrites(saved, [['a', 2]], 'task');
      }
    }
    await saver.deleteThread(gone);
    const counts = async (t: string) => [
      await count('checkpoints', t),
      await count('blobs', t),
      await count('writes', t),
    ];
    expect(await counts(gone)).toEqual([0, 0, 0]);
    expect(await counts(kept)).toEqual([2, 2, 2]);
  });
});

describe('getNextVersion', () => {
  it('should give increasing versions that differ between calls from the same version', () => {
    const v1 = saver.getNextVersion(undefined);
    const v2a = saver.getNextVersion(v1);
    const v2b = saver.getNextVersion(v1);
    expect(v1).toBeGreaterThan(1);
    expect(v1).toBeLessThan(2);
    expect(v2a).toBeGreaterThan(v1);
    expect(Math.floor(v2a)).toBe(2);
    expect(v2a).not.toBe(v2b);
    expect(saver.getNextVersion(7)).toBeGreaterThan(8);
  });
});

export type { CheckpointTuple };
