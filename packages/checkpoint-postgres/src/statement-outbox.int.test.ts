import { Annotation, END, Send, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxRowStatement, OutboxStatement } from './outbox.js';
import { PostgresCheckpointSaver } from './saver.js';
import { countQueries, openTestPool, type TestPool } from './test-support/db.js';
import { threadId } from './test-support/factories.js';

// Outbox statements: bookkeeping given as SQL rides inside the checkpoint's own statement.
let db: TestPool;
let saver: PostgresCheckpointSaver;
beforeAll(async () => {
  db = await openTestPool();
  saver = new PostgresCheckpointSaver(db.pool);
  await db.pool.query(
    `create table ledger (thread text not null, step int not null check (step < 100), primary key (thread, step))`,
  );
});
afterAll(async () => db.close());

const run = (thread: string) => ({ configurable: { thread_id: thread }, durability: 'sync' as const });
const record = (thread: string, step: number): OutboxStatement => ({
  build: (param, name) => [
    {
      name: 'added',
      sql: `insert into ledger (thread, step) values (${param(thread)}, ${param(step)}::int) returning step`,
    },
    { name: 'seen', sql: `select step, 'ok' as note from ${name('added')}` },
  ],
  returning: 'seen',
});
const ledger = async (thread: string) =>
  (await db.pool.query<{ step: number }>('select step from ledger where thread = $1 order by step', [thread])).rows.map(
    (r) => r.step,
  );
const hasCheckpoints = async (thread: string) =>
  ((await db.pool.query('select 1 from checkpoints.checkpoints where thread_id = $1', [thread])).rowCount ?? 0) > 0;

function graphRecording(steps: number[], returned: unknown[][]) {
  const State = Annotation.Root({ n: Annotation<number>() });
  const names = steps.map((step): string => `s${step}`);
  const node = (step: number) => (s: { n: number }, config: LangGraphRunnableConfig) => {
    void saver.enqueueStatementWithTask(config, record(String(config.configurable?.thread_id), step)).then(
      (rows) => returned.push(rows),
      () => undefined,
    );
    return { n: s.n + 1 };
  };
  // Typed from its first node: a graph built in a loop keeps plain string node names.
  let graph = new StateGraph(State).addNode(names[0]!, node(steps[0]!));
  steps.slice(1).forEach((step, i) => (graph = graph.addNode(names[i + 1]!, node(step))));
  graph = graph.addEdge(START, names[0]!);
  names.slice(1).forEach((name, i) => (graph = graph.addEdge(names[i]!, name)));
  return graph.addEdge(names.at(-1)!, END).compile({ checkpointer: saver });
}

describe('outbox statements', () => {
  it("should commit a node's statement inside the checkpoint's statement, without a transaction, and return its rows", async () => {
    const returned: unknown[][] = [];
    const graph = graphRecording([1, 2, 3], returned);
    const thread = threadId();
    const { queries } = await countQueries(() => graph.invoke({ n: 0 }, run(thread)));
    expect(await ledger(thread)).toEqual([1, 2, 3]);
    expect(queries.filter((q) => q === 'begin' || q === 'commit')).toEqual([]);
    expect(queries.filter((q) => q.includes('insert into ledger'))).toHaveLength(3);
    expect(
      queries
        .filter((q) => q.includes('insert into ledger'))
        .every((q) => q.includes('insert into checkpoints.checkpoints')),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(returned).toEqual([[{ step: 1, note: 'ok' }], [{ step: 2, note: 'ok' }], [{ step: 3, note: 'ok' }]]);
  });

  it('should roll back the checkpoint with a failing statement and reject the run', async () => {
    const returned: unknown[][] = [];
    // 100 breaks the ledger's check constraint.
    const graph = graphRecording([100], returned);
    const thread = threadId();
    await expect(graph.invoke({ n: 0 }, run(thread))).rejects.toThrow(/ledger_step_check/);
    expect(await ledger(thread)).toEqual([]);
    const tuple = await saver.getTuple(run(thread));
    // The checkpoint before the node is the latest: its result and its statement went together.
    expect(tuple?.metadata?.step).toBe(0);
    expect(await hasCheckpoints(thread)).toBe(true);
    expect(returned).toEqual([]);
  });

  it('should run a statement and a function queued for one task in one transaction', async () => {
    const thread = threadId();
    const State = Annotation.Root({ n: Annotation<number>() });
    const graph = new StateGraph(State)
      .addNode('both', (s: { n: number }, config: LangGraphRunnableConfig) => {
        void saver.enqueueStatementWithTask(config, record(thread, 7)).catch(() => undefined);
        void saver
          .enqueueWithTask(
            config,
            async (client) => void (await client.query('insert into ledger (thread, step) values ($1, 8)', [thread])),
          )
          .catch(() => undefined);
        return { n: s.n + 1 };
      })
      .addEdge(START, 'both')
      .addEdge('both', END)
      .compile({ checkpointer: saver });
    const { queries } = await countQueries(() => graph.invoke({ n: 0 }, run(thread)));
    expect(await ledger(thread)).toEqual([7, 8]);
    expect(queries.filter((q) => q === 'begin')).toHaveLength(1);
  });

  it('should run the row statements of one group that commit together as one set of CTEs, each writer getting its own rows', async () => {
    const thread = threadId();
    const row = (step: number): OutboxRowStatement => ({
      group: 'ledger',
      row: { thread, step },
      build: (rows, name) => [
        {
          name: 'input',
          sql: `select * from jsonb_to_recordset(${rows}::jsonb) as r(_entry int, thread text, step int)`,
        },
        {
          name: 'added',
          sql: `insert into ledger (thread, step) select thread, step from ${name('input')} returning step`,
        },
        {
          name: 'seen',
          sql: `select i._entry, a.step from ${name('added')} a join ${name('input')} i on i.step = a.step`,
        },
      ],
      returning: 'seen',
    });
    const returned = new Map<number, unknown[]>();
    const State = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
    const graph = new StateGraph(State)
      .addNode('one', (input: { step: number }, config: LangGraphRunnableConfig) => {
        void saver.enqueueStatementWithTask(config, row(input.step)).then(
          (rows) => returned.set(input.step, rows),
          () => undefined,
        );
        return { n: 1 };
      })
      .addConditionalEdges(START, () => [20, 21, 22, 23, 24].map((step) => new Send('one', { step })), ['one'])
      .addEdge('one', END)
      .compile({ checkpointer: saver });
    const { queries } = await countQueries(() => graph.invoke({ n: 0 }, run(thread)));
    expect(await ledger(thread)).toEqual([20, 21, 22, 23, 24]);
    // The five writes are one insert, inside one statement, whatever the width of the batch.
    const fused = queries.filter((q) => q.includes('insert into ledger'));
    expect(fused).toHaveLength(1);
    expect(fused[0]!.match(/insert into ledger/g)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(
      [...returned.entries()]
        .sort(([a], [b]) => a - b)
        .map(([step, rows]) => [step, (rows as Array<{ step: number }>).map((r) => r.step)]),
    ).toEqual([
      [20, [20]],
      [21, [21]],
      [22, [22]],
      [23, [23]],
      [24, [24]],
    ]);
  });

  it('should give a prepared name to a group whatever its width', async () => {
    const thread = threadId();
    const row = (step: number): OutboxRowStatement => ({
      group: 'ledger',
      row: { thread, step },
      build: (rows) => [
        {
          name: 'added',
          sql: `insert into ledger (thread, step) select thread, step from jsonb_to_recordset(${rows}::jsonb) as r(thread text, step int)`,
        },
      ],
    });
    const State = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
    const graph = new StateGraph(State)
      .addNode('one', (input: { step: number }, config: LangGraphRunnableConfig) => {
        void saver.enqueueStatementWithTask(config, row(input.step)).catch(() => undefined);
        return { n: 1 };
      })
      .addConditionalEdges(
        START,
        () => [30, 31, 32, 33, 34, 35, 36, 37, 38, 39].map((step) => new Send('one', { step })),
        ['one'],
      )
      .addEdge('one', END)
      .compile({ checkpointer: saver });
    const { configs } = await countQueries(() => graph.invoke({ n: 0 }, run(thread)));
    expect(await ledger(thread)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    const fused = configs.filter((q) => q.text.includes('insert into ledger'));
    expect(fused).toHaveLength(1);
    expect(fused[0]!.name).toMatch(/^ocp_/);
  });
});
