import { Annotation, Command, END, MemorySaver, START, Send, StateGraph, interrupt } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCheckpointSaver } from './saver.js';
import { openTestPool, type TestPool } from './test-support/db.js';
import { threadId } from './test-support/factories.js';

// Real LangGraph runs (durability "sync", as project runs use) on the saver: the behaviours
// the conformance suite does not reach — interrupts, Send, resume after a failure, forks,
// subgraphs.
let db: TestPool;
let saver: PostgresCheckpointSaver;
beforeAll(async () => {
  db = await openTestPool();
  saver = new PostgresCheckpointSaver(db.pool);
});
afterAll(async () => db.close());

/** The interrupts a run stopped on (invoke() adds them to the returned state). */
const interrupts = (result: object) =>
  ((result as { __interrupt__?: Array<{ value: unknown }> }).__interrupt__ ?? []).map((i) => i.value);

const run = (thread: string) => ({ configurable: { thread_id: thread }, durability: 'sync' as const });

describe('LangGraph runs', () => {
  it('should resume an interrupted run with Command when the human answers', async () => {
    const State = Annotation.Root({ question: Annotation<string>(), answer: Annotation<string>() });
    const graph = new StateGraph(State)
      .addNode('ask', (s) => ({ answer: interrupt<string, string>(s.question) }))
      .addNode('done', (s) => ({ answer: `${s.answer}!` }))
      .addEdge(START, 'ask')
      .addEdge('ask', 'done')
      .addEdge('done', END)
      .compile({ checkpointer: saver });
    const thread = threadId();
    const first = await graph.invoke({ question: 'ship it?' }, run(thread));
    expect(interrupts(first)).toEqual(['ship it?']);
    expect((await graph.getState(run(thread))).next).toEqual(['ask']);
    const resumed = await graph.invoke(new Command({ resume: 'yes' }), run(thread));
    expect(resumed.answer).toBe('yes!');
    expect((await graph.getState(run(thread))).next).toEqual([]);
  });

  it('should not re-run finished parallel tasks when a run resumes after one of them failed', async () => {
    const State = Annotation.Root({
      items: Annotation<number[]>(),
      done: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    });
    const runs = new Map<number, number>();
    let failOnce = true;
    const graph = new StateGraph(State)
      .addNode('work', (s: { item: number }) => {
        runs.set(s.item, (runs.get(s.item) ?? 0) + 1);
        if (s.item === 3 && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        return { done: [s.item] };
      })
      .addConditionalEdges(START, (s) => s.items.map((item) => new Send('work', { item })))
      .addEdge('work', END)
      .compile({ checkpointer: saver });
    const thread = threadId();
    await expect(graph.invoke({ items: [1, 2, 3, 4, 5] }, run(thread))).rejects.toThrow('transient');
    const resumed = await graph.invoke(null, run(thread));
    expect([...resumed.done].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(Object.fromEntries(runs)).toEqual({ 1: 1, 2: 1, 3: 2, 4: 1, 5: 1 });
  });

  it("should keep a fork's value apart from later checkpoints' when state is updated at an old checkpoint", async () => {
    const State = Annotation.Root({ x: Annotation<string>(), y: Annotation<string>() });
    const build = (checkpointer: PostgresCheckpointSaver | MemorySaver) =>
      new StateGraph(State)
        .addNode('a', () => ({ x: 'a' }))
        .addNode('b', () => ({ x: 'b' }))
        .addEdge(START, 'a')
        .addEdge('a', 'b')
        .addEdge('b', END)
        .compile({ checkpointer });
    // MemorySaver stores whole checkpoints, so it is the reference for what a fork must see.
    const results = [];
    for (const checkpointer of [saver, new MemorySaver()]) {
      const graph = build(checkpointer);
      const thread = threadId();
      await graph.invoke({ x: 'start', y: 'y' }, run(thread));
      const history = [];
      for await (const snapshot of graph.getStateHistory(run(thread))) history.push(snapshot);
      expect(history.map((h) => h.values.x)).toEqual(['b', 'a', 'start', undefined]);
      const afterA = history.find((h) => h.metadata?.step === 1)!;
      const fork = await graph.updateState(afterA.config, { x: 'forked' });
      const forked = await graph.getState(fork);
      const continued = await graph.invoke(null, { ...fork, durability: 'sync' });
      results.push({ forked: forked.values, next: forked.next, continued });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]?.forked).toEqual({ x: 'forked', y: 'y' });
  });

  it('should checkpoint a subgraph in its own namespace and resume an interrupt raised inside it', async () => {
    const State = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
    const child = new StateGraph(State)
      .addNode('prepare', () => ({ log: ['prepare'] }))
      .addNode('approve', () => ({ log: [interrupt<string, string>('approve?')] }))
      .addEdge(START, 'prepare')
      .addEdge('prepare', 'approve')
      .addEdge('approve', END)
      .compile();
    const build = (checkpointer: PostgresCheckpointSaver | MemorySaver) =>
      new StateGraph(State)
        .addNode('child', child)
        .addNode('finish', () => ({ log: ['finish'] }))
        .addEdge(START, 'child')
        .addEdge('child', 'finish')
        .addEdge('finish', END)
        .compile({ checkpointer });
    const results = [];
    for (const checkpointer of [saver, new MemorySaver()]) {
      const parent = build(checkpointer);
      const thread = threadId();
      const paused = await parent.invoke({ log: ['start'] }, run(thread));
      const done = await parent.invoke(new Command({ resume: 'approved' }), run(thread));
      // Interrupt ids hash the thread's task ids, so only the values are compared.
      results.push({ paused: { log: paused.log, interrupts: interrupts(paused) }, done });
      if (checkpointer === saver) {
        const { rows } = await db.pool.query<{ ns: string }>(
          'select distinct checkpoint_ns as ns from checkpoints.checkpoints where thread_id = $1 order by 1',
          [thread],
        );
        expect(rows.map((r) => r.ns)).toEqual(['', expect.stringMatching(/^child:/)]);
      }
    }
    expect(results[0]).toEqual(results[1]);
    // The subgraph returns its whole log, which the parent's reducer appends: 'start' twice.
    expect(results[0]?.done.log).toEqual(['start', 'start', 'prepare', 'approved', 'finish']);
  });
});
