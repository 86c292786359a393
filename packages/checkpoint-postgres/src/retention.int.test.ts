import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresCheckpointSaver } from './saver.js';
import { openTestPool, truncateCheckpoints, type TestPool } from './test-support/db.js';
import { threadId } from './test-support/factories.js';

let db: TestPool;
let saver: PostgresCheckpointSaver;
beforeAll(async () => {
  db = await openTestPool();
  saver = new PostgresCheckpointSaver(db.pool);
});
afterAll(async () => db.close());
beforeEach(async () => truncateCheckpoints(db.pool));

// A chain of steps; `big` is written once at the start and carried by every later checkpoint,
// `n` changes every step: pruning must keep the first and drop old versions of the second.
const State = Annotation.Root({ n: Annotation<number>(), big: Annotation<string>() });
function chain(steps: number) {
  const names = Array.from({ length: steps }, (_, i): string => `s${i}`);
  const step = (s: { n: number }) => ({ n: s.n + 1 });
  // Node names typed as plain strings, so edges between generated names type-check.
  let graph = new StateGraph(State).addNode(names[0]!, step);
  for (const name of names.slice(1)) graph = graph.addNode(name, step);
  graph = graph.addEdge(START, names[0]!);
  names.slice(1).forEach((name, i) => (graph = graph.addEdge(names[i]!, name)));
  return graph.addEdge(names[steps - 1]!, END).compile({ checkpointer: saver });
}
const run = (thread: string) => ({
  configurable: { thread_id: thread },
  durability: 'sync' as const,
  recursionLimit: 100,
});

interface Counts {
  checkpoints: number;
  blobs: number;
  writes: number;
  /** Values no checkpoint of the thread refers to any more. */
  orphanBlobs: number;
  /** Writes whose checkpoint is gone. */
  orphanWrites: number;
}
async function counts(thread: string): Promise<Counts> {
  const { rows } = await db.pool.query<Counts>(
    `select (select count(*) from checkpoints.checkpoints where thread_id = $1)::int as checkpoints,
            (select count(*) from checkpoints.blobs where thread_id = $1)::int as blobs,
            (select count(*) from checkpoints.writes where thread_id = $1)::int as writes,
            (select count(*) from checkpoints.blobs b where thread_id = $1 and not exists (
               select 1 from checkpoints.checkpoints c
               where c.thread_id = b.thread_id and c.checkpoint_ns = b.checkpoint_ns
                 and c.checkpoint -> 'channel_versions' ->> b.channel = b.version))::int as "orphanBlobs",
            (select count(*) from checkpoints.writes w where thread_id = $1 and not exists (
               select 1 from checkpoints.checkpoints c
               where c.thread_id = w.thread_id and c.checkpoint_ns = w.checkpoint_ns and c.checkpoint_id = w.checkpoint_id))::int as "orphanWrites"`,
    [thread],
  );
  return rows[0]!;
}

describe('pruneThread', () => {
  it('should keep the newest checkpoints and the values they use, and the run should continue from them', async () => {
    const graph = chain(10);
    const thread = threadId();
    await graph.invoke({ n: 0, big: 'x'.repeat(10_000) }, run(thread));
    const before = await graph.getState(run(thread));
    expect((await counts(thread)).checkpoints).toBe(12);
    const result = await saver.pruneThread(thread, { keepLast: 3 });
    expect(result.checkpoints).toBe(9);
    expect(result.blobs).toBeGreaterThan(0);
    const after = await counts(thread);
    expect(after).toMatchObject({ checkpoints: 3, orphanBlobs: 0, orphanWrites: 0 });
    const state = await graph.getState(run(thread));
    expect(state.values).toEqual(before.values);
    expect(state.values.big).toHaveLength(10_000);
    // Time travel still works within what is kept; history ends at the oldest kept checkpoint.
    const history = [];
    for await (const snapshot of graph.getStateHistory(run(thread))) history.push(snapshot.values.n);
    expect(history).toEqual([10, 9, 8]);
    const next = await chain(2).invoke({ n: 100 }, run(thread));
    expect(next).toMatchObject({ n: 102, big: 'x'.repeat(10_000) });
  });

  it('should keep the newest checkpoint of every namespace', async () => {
    const thread = threadId();
    const config = (ns: string, id?: string) => ({
      configurable: { thread_id: thread, checkpoint_ns: ns, ...(id ? { checkpoint_id: id } : {}) },
    });
    for (const ns of ['', 'child:1']) {
      let parent = config(ns);
      for (let i = 0; i < 4; i++) {
        const version = saver.getNextVersion(undefined) + i;
        const cp = {
          v: 4,
          id: `${ns}0000000${i}`,
          ts: new Date().toISOString(),
          channel_values: { n: i },
          channel_versions: { n: version },
          versions_seen: {},
        };
        parent = (await saver.put(
          parent,
          cp,
          { source: 'loop', step: i, parents: {} },
          { n: version },
        )) as typeof parent;
      }
    }
    await saver.pruneThread(thread, { keepLast: 1 });
    const { rows } = await db.pool.query(
      'select checkpoint_ns, checkpoint_id from checkpoints.checkpoints where thread_id = $1 order by 1',
      [thread],
    );
    expect(rows).toEqual([
      { checkpoint_ns: '', checkpoint_id: '00000003' },
      { checkpoint_ns: 'child:1', checkpoint_id: 'child:100000003' },
    ]);
    expect(await counts(thread)).toMatchObject({ blobs: 2, orphanBlobs: 0 });
  });

  it('should leave a running thread intact when it is pruned while it runs', async () => {
    const graph = chain(60);
    const thread = threadId();
    let running = true;
    let prunes = 0;
    const pruner = (async () => {
      while (running) {
        await saver.pruneThread(thread, { keepLast: 1 });
        prunes++;
      }
    })();
    const result = await graph.invoke({ n: 0, big: 'kept' }, run(thread)).finally(() => (running = false));
    await pruner;
    expect(prunes).toBeGreaterThan(5);
    expect(result).toEqual({ n: 60, big: 'kept' });
    expect((await graph.getState(run(thread))).values).toEqual({ n: 60, big: 'kept' });
    await saver.pruneThread(thread, { keepLast: 1 });
    expect(await counts(thread)).toMatchObject({ checkpoints: 1, orphanBlobs: 0, orphanWrites: 0 });
  });

  it("should refuse to delete a thread's newest checkpoint", async () => {
    await expect(saver.pruneThread(threadId(), { keepLast: 0 })).rejects.toThrow(RangeError);
  });
});

describe('pruneAll', () => {
  it('should prune only threads with checkpoints older than the cutoff, in batches', async () => {
    const graph = chain(5);
    const [old, recent] = [threadId(), threadId()];
    await graph.invoke({ n: 0, big: 'b' }, run(old));
    await graph.invoke({ n: 0, big: 'b' }, run(recent));
    await db.pool.query(
      `update checkpoints.checkpoints set created_at = now() - interval '30 days' where thread_id = $1`,
      [old],
    );
    const result = await saver.pruneAll({
      keepLast: 2,
      olderThan: new Date(Date.now() - 7 * 86_400_000),
      batchSize: 2,
    });
    expect(result.checkpoints).toBe(5);
    expect(await counts(old)).toMatchObject({ checkpoints: 2, orphanBlobs: 0, orphanWrites: 0 });
    expect((await counts(recent)).checkpoints).toBe(7);
    expect((await graph.getState(run(old))).values).toEqual({ n: 5, big: 'b' });
    expect(await saver.pruneAll({ keepLast: 2, olderThan: new Date() })).toMatchObject({ checkpoints: 5 });
  });
});
