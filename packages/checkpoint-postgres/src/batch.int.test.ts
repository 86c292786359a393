import { Annotation, END, START, Send, StateGraph } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCheckpointSaver } from './saver.js';
import { countQueries, openTestPool, type TestPool } from './test-support/db.js';
import { checkpoint, config, metadata, threadId } from './test-support/factories.js';

// Group commit (WriteBatcher): task writes ride in the statement of the checkpoint that follows
// them, or share one statement when no checkpoint comes within the window.
let db: TestPool;
let saver: PostgresCheckpointSaver;
beforeAll(async () => {
  db = await openTestPool();
  saver = new PostgresCheckpointSaver(db.pool);
});
afterAll(async () => db.close());

const run = (thread: string) => ({ configurable: { thread_id: thread }, durability: 'sync' as const });
const isPut = (q: string) => q.includes('insert into checkpoints.checkpoints');
const isWritesAlone = (q: string) => q.startsWith('insert into checkpoints.writes');
const writeRows = async (thread: string) =>
  (
    await db.pool.query<{ n: number }>('select count(*)::int as n from checkpoints.writes where thread_id = $1', [
      thread,
    ])
  ).rows[0]!.n;

describe('group commit of task writes', () => {
  it("should save each task's writes in the statement of the checkpoint that follows it when a chain runs", async () => {
    const State = Annotation.Root({ n: Annotation<number>() });
    const graph = new StateGraph(State)
      .addNode('a', (s) => ({ n: s.n + 1 }))
      .addNode('b', (s) => ({ n: s.n + 1 }))
      .addNode('c', (s) => ({ n: s.n + 1 }))
      .addEdge(START, 'a')
      .addEdge('a', 'b')
      .addEdge('b', 'c')
      .addEdge('c', END)
      .compile({ checkpointer: saver });
    const thread = threadId();
    const { result, queries } = await countQueries(() => graph.invoke({ n: 0 }, run(thread)));
    expect(result.n).toBe(3);
    // Only the input's writes (made while the input checkpoint is being saved) may go alone.
    expect(queries.filter(isWritesAlone).length).toBeLessThanOrEqual(1);
    // The input checkpoint, then one per superstep (__start__, a, b, c).
    expect(queries.filter(isPut)).toHaveLength(5);
    expect(await writeRows(thread)).toBeGreaterThanOrEqual(3);
    const history = [];
    for await (const snap of graph.getStateHistory(run(thread))) history.push(snap);
    expect(history.map((s) => s.values.n)).toEqual([3, 2, 1, 0, undefined]);
  });

  it("should save the writes of parallel tasks that finish together with their superstep's checkpoint", async () => {
    const State = Annotation.Root({
      items: Annotation<number[]>(),
      done: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    });
    const graph = new StateGraph(State)
      .addNode('work', (s: { item: number }) => ({ done: [s.item] }))
      .addConditionalEdges(START, (s) => s.items.map((item) => new Send('work', { item })))
      .addEdge('work', END)
      .compile({ checkpointer: saver });
    const thread = threadId();
    const { result, queries } = await countQueries(() =>
      graph.invoke({ items: [1, 2, 3, 4, 5, 6, 7, 8] }, run(thread)),
    );
    expect([...result.done].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The eight workers' writes ride with the checkpoint; only the input's may go alone.
    expect(queries.filter(isWritesAlone).length).toBeLessThanOrEqual(1);
    expect(queries.filter(isPut).length).toBeLessThanOrEqual(3);
  });

  it('should commit writes that no checkpoint follows before their promise resolves', async () => {
    const thread = threadId();
    const saved = await saver.put(config(thread), checkpoint(), metadata(0), {});
    await saver.putWrites(saved, [['a', 1]], 'task-1');
    // Another connection sees the row as soon as putWrites resolved.
    expect(await writeRows(thread)).toBe(1);
  });

  it('should save writes of several tasks held together in one statement', async () => {
    const thread = threadId();
    const saved = await saver.put(config(thread), checkpoint(), metadata(0), {});
    const { queries } = await countQueries(() =>
      Promise.all([
        saver.putWrites(saved, [['a', 1]], 'task-1'),
        saver.putWrites(saved, [['a', 2]], 'task-2'),
        saver.putWrites(saved, [['a', 3]], 'task-3'),
      ]),
    );
    expect(queries).toHaveLength(1);
    const tuple = await saver.getTuple(saved);
    expect(tuple?.pendingWrites?.map(([task, , value]) => [task, value])).toEqual([
      ['task-1', 1],
      ['task-2', 2],
      ['task-3', 3],
    ]);
  });

  it('should reject every held write when their statement fails', async () => {
    const thread = threadId();
    const cfg = { configurable: { thread_id: thread, checkpoint_ns: '', checkpoint_id: 'cp-1' } };
    await db.pool.query(
      `alter table checkpoints.writes add constraint short_path check (length(task_path) < 5) not valid`,
    );
    try {
      // One of the two violates the constraint: they share a statement, so neither is saved.
      const bad = saver.putWrites(cfg, [['a', 1]], 'task-1', 'x'.repeat(10));
      const other = saver.putWrites(cfg, [['a', 2]], 'task-2', 'ok');
      await expect(bad).rejects.toThrow(/short_path/);
      await expect(other).rejects.toThrow(/short_path/);
      expect(await writeRows(thread)).toBe(0);
    } finally {
      await db.pool.query('alter table checkpoints.writes drop constraint short_path');
    }
  });
});
