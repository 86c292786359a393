import { Annotation, Command, END, START, Send, StateGraph, interrupt } from '@langchain/langgraph';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresCheckpointSaver } from './saver.js';
import { openTestPool, type TestPool } from './test-support/db.js';
import { checkpoint, config, metadata, threadId } from './test-support/factories.js';

let db: TestPool;
let saver: PostgresCheckpointSaver;
beforeAll(async () => {
  db = await openTestPool();
  saver = new PostgresCheckpointSaver(db.pool);
  // A stand-in for step rows / audit entries, and a way to make a checkpoint insert fail.
  await db.pool.query(`create table probe (thread text not null, label text not null);
    create function fail_checkpoint() returns trigger language plpgsql as $$
    begin
      if new.thread_id like '%fail%' then raise exception 'checkpoint refused'; end if;
      return new;
    end $$;
    create trigger fail_checkpoint before insert on checkpoints.checkpoints for each row execute function fail_checkpoint();`);
});
afterAll(async () => db.close());
beforeEach(async () => db.pool.query('truncate probe'));

const record = (thread: string, label: string) => async (client: pg.PoolClient) => {
  await client.query('insert into probe (thread, label) values ($1, $2)', [thread, label]);
};
const labels = async (thread: string) =>
  (
    await db.pool.query<{ label: string }>('select label from probe where thread = $1 order by label', [thread])
  ).rows.map((r) => r.label);
const hasCheckpoint = async (thread: string) =>
  ((await db.pool.query('select 1 from checkpoints.checkpoints where thread_id = $1', [thread])).rowCount ?? 0) > 0;

describe('enqueue (committed with the next checkpoint)', () => {
  it("should commit a queued write with the thread's next checkpoint, and not before", async () => {
    const thread = threadId();
    const seenInside: boolean[] = [];
    const committed = saver.enqueue(thread, async (client) => {
      await record(thread, 'step-1')(client);
      // Another connection sees neither the checkpoint nor the row until the transaction commits.
      seenInside.push(await hasCheckpoint(thread), (await labels(thread)).length > 0);
    });
    expect(saver.pendingOutboxWrites(thread)).toBe(1);
    expect(await labels(thread)).toEqual([]);
    await saver.put(config(thread), checkpoint(), metadata(0), {});
    await expect(committed).resolves.toBeUndefined();
    expect(seenInside).toEqual([false, false]);
    expect(await labels(thread)).toEqual(['step-1']);
    expect(saver.pendingOutboxWrites(thread)).toBe(0);
  });

  it('should roll back the checkpoint and every queued write when one write fails', async () => {
    const thread = threadId();
    const ok = saver.enqueue(thread, record(thread, 'audit'));
    const bad = saver.enqueue(thread, async () => {
      throw new Error('audit table full');
    });
    await expect(saver.put(config(thread), checkpoint(), metadata(0), {})).rejects.toThrow('audit table full');
    await expect(ok).rejects.toThrow('audit table full');
    await expect(bad).rejects.toThrow('audit table full');
    expect(await hasCheckpoint(thread)).toBe(false);
    expect(await labels(thread)).toEqual([]);
    expect(saver.pendingOutboxWrites(thread)).toBe(0);
    // The connection went back to the pool usable.
    await saver.put(config(thread), checkpoint(), metadata(0), {});
    expect(await hasCheckpoint(thread)).toBe(true);
  });

  it('should drop the queued writes with the error when the checkpoint itself fails', async () => {
    const thread = `${threadId()}-fail`;
    const queued = saver.enqueue(thread, record(thread, 'step'));
    await expect(saver.put(config(thread), checkpoint(), metadata(0), {})).rejects.toThrow('checkpoint refused');
    await expect(queued).rejects.toThrow('checkpoint refused');
    expect(await labels(thread)).toEqual([]);
    expect(saver.pendingOutboxWrites(thread)).toBe(0);
  });

  it('should wait for a checkpoint of the namespace the write is queued for', async () => {
    const thread = threadId();
    const queued = saver.enqueue(thread, record(thread, 'sub'), { checkpointNs: 'child:1' });
    await saver.put(config(thread), checkpoint(), metadata(0), {});
    expect(await labels(thread)).toEqual([]);
    await saver.put(config(thread, 'child:1'), checkpoint(), metadata(0), {});
    await queued;
    expect(await labels(thread)).toEqual(['sub']);
  });

  it('should keep only the latest write queued under one key', async () => {
    const thread = threadId();
    const first = saver.enqueue(thread, record(thread, 'first'), { key: 'step-7' });
    const second = saver.enqueue(thread, record(thread, 'second'), { key: 'step-7' });
    await saver.put(config(thread), checkpoint(), metadata(0), {});
    await expect(first).rejects.toMatchObject({ code: 'checkpoint/outbox_dropped' });
    await second;
    expect(await labels(thread)).toEqual(['second']);
  });
});

describe('flush and discard', () => {
  it('should commit queued writes of every namespace without a checkpoint when flushed', async () => {
    const thread = threadId();
    const a = saver.enqueue(thread, record(thread, 'a'));
    const b = saver.enqueue(thread, record(thread, 'b'), { checkpointNs: 'child:1' });
    await saver.flush(thread);
    await Promise.all([a, b]);
    expect(await labels(thread)).toEqual(['a', 'b']);
    expect(await hasCheckpoint(thread)).toBe(false);
  });

  it('should roll back a flush as a whole when one write fails', async () => {
    const thread = threadId();
    saver.enqueue(thread, record(thread, 'a'));
    saver.enqueue(thread, async () => {
      throw new Error('nope');
    });
    await expect(saver.flush(thread)).rejects.toThrow('nope');
    expect(await labels(thread)).toEqual([]);
  });

  it('should reject discarded writes with a coded error', async () => {
    const thread = threadId();
    const queued = saver.enqueue(thread, record(thread, 'a'));
    expect(saver.discard(thread, 'because the run stopped')).toBe(1);
    await expect(queued).rejects.toMatchObject({
      code: 'checkpoint/outbox_dropped',
      message: 'Outbox write because the run stopped',
    });
    expect(saver.pendingOutboxWrites()).toBe(0);
  });
});

describe("enqueueWithTask (committed with the node's saved writes)", () => {
  const run = (thread: string) => ({ configurable: { thread_id: thread }, durability: 'sync' as const });

  it('should keep the bookkeeping of a finished task when a sibling fails, and not repeat it on resume', async () => {
    const State = Annotation.Root({
      done: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    });
    const runs: string[] = [];
    let failB = true;
    const graph = new StateGraph(State)
      .addNode('work', (s: { name: string }, cfg) => {
        runs.push(s.name);
        const thread = String(cfg.configurable?.thread_id);
        void saver.enqueueWithTask(cfg, record(thread, `step ${s.name}`));
        if (s.name === 'B' && failB) {
          failB = false;
          throw new Error('B failed');
        }
        return { done: [s.name] };
      })
      .addConditionalEdges(START, () => [new Send('work', { name: 'A' }), new Send('work', { name: 'B' })])
      .addEdge('work', END)
      .compile({ checkpointer: saver });
    const thread = threadId();
    await expect(graph.invoke({}, run(thread))).rejects.toThrow('B failed');
    expect(await labels(thread)).toEqual(['step A']);
    expect(saver.pendingOutboxWrites(thread)).toBe(0);
    await graph.invoke(null, run(thread));
    expect(runs.sort()).toEqual(['A', 'B', 'B']);
    expect(await labels(thread)).toEqual(['step A', 'step B']);
  });

  it('should drop the bookkeeping of a node that calls interrupt() and commit it once after resume', async () => {
    const State = Annotation.Root({ answer: Annotation<string>() });
    const graph = new StateGraph(State)
      .addNode('ask', (_s, cfg) => {
        void saver.enqueueWithTask(cfg, record(String(cfg.configurable?.thread_id), 'asked'));
        return { answer: interrupt<string, string>('ok?') };
      })
      .addEdge(START, 'ask')
      .addEdge('ask', END)
      .compile({ checkpointer: saver });
    const thread = threadId();
    await graph.invoke({}, run(thread));
    expect(await labels(thread)).toEqual([]);
    expect(saver.pendingOutboxWrites(thread)).toBe(0);
    await graph.invoke(new Command({ resume: 'yes' }), run(thread));
    expect(await labels(thread)).toEqual(['asked']);
  });

  it("should refuse a config that is not a node's", () => {
    expect(() => saver.enqueueWithTask(config(threadId()), record('x', 'y'))).toThrow(/node/);
  });
});
