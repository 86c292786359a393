import { randomUUID } from 'node:crypto';
import type { RunContext } from '@orchestrator/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSpecDatabase, type SpecDatabase } from '../../../testing/spec-database.js';
import { RunQueue } from './run-queue.js';

let spec: SpecDatabase;
const queues: RunQueue[] = [];
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  spec = await openSpecDatabase();
});
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
});
afterAll(async () => {
  await spec?.close();
});

const project = (): RunContext => ({ workspaceId: randomUUID(), projectId: randomUUID() });

/** A promise with its resolver, to hold a run until the test lets it end. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A started queue whose runs are recorded, each held until its gate opens. */
async function startQueue(concurrency: number, gates = new Map<string, ReturnType<typeof gate>>()) {
  const queue = new RunQueue({ connectionString: spec.db.url, concurrency, logger: silent });
  queues.push(queue);
  const started: string[] = [];
  const ended: string[] = [];
  let running = 0;
  let mostAtOnce = 0;
  await queue.start(async (ctx) => {
    started.push(ctx.projectId);
    mostAtOnce = Math.max(mostAtOnce, ++running);
    try {
      await gates.get(ctx.projectId)?.promise;
    } finally {
      running--;
      ended.push(ctx.projectId);
    }
  });
  return { queue, started, ended, mostAtOnce: () => mostAtOnce, gates };
}

describe('RunQueue', () => {
  it('should run different projects at once, never more than the concurrency', async () => {
    const projects = [project(), project(), project()];
    const gates = new Map(projects.map((p) => [p.projectId, gate()]));
    const { queue, started, ended, mostAtOnce } = await startQueue(2, gates);
    for (const p of projects) await queue.enqueue(p);
    await until(() => started.length === 2, 'two runs to start');
    expect(queue.inProgress()).toHaveLength(2);
    for (const id of started) gates.get(id)!.open();
    await until(() => started.length === 3, 'the third run to start once a slot is free');
    gates.get(started[2]!)!.open();
    await until(() => ended.length === 3, 'every run to end');
    expect(new Set(started)).toEqual(new Set(projects.map((p) => p.projectId)));
    expect(mostAtOnce()).toBe(2);
  });

  it('should run a project queued again while it runs only after that run, without holding up other projects', async () => {
    const [a, b] = [project(), project()];
    const held = gate();
    const log: string[] = [];
    const queue = new RunQueue({ connectionString: spec.db.url, concurrency: 4, logger: silent });
    queues.push(queue);
    let runsOfA = 0;
    await queue.start(async (ctx) => {
      const name = ctx.projectId === a.projectId ? `a${++runsOfA}` : 'b';
      log.push(`${name} started`);
      if (name === 'a1') await held.promise;
      log.push(`${name} ended`);
    });
    await queue.enqueue(a);
    await until(() => log.includes('a1 started'), 'the first run of a');
    await queue.enqueue(a);
    await queue.enqueue(b);
    await until(() => log.includes('b ended'), 'b to run while a runs');
    held.open();
    await until(() => log.includes('a2 ended'), 'the second run of a');
    expect(log).toEqual(['a1 started', 'b started', 'b ended', 'a1 ended', 'a2 started', 'a2 ended']);
  });

  it('should retry a run that failed', async () => {
    const queue = new RunQueue({ connectionString: spec.db.url, concurrency: 2, logger: silent });
    queues.push(queue);
    let attempts = 0;
    await queue.start(async () => {
      if (++attempts === 1) throw new Error('the database went away');
    });
    await queue.enqueue(project());
    await until(() => attempts === 2, 'the retry');
  });

  it('should leave a project whose lock another process holds to a retry', async () => {
    const p = project();
    const other = new pg.Client({ connectionString: spec.db.url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock(hashtextextended($1, 0))', [`project-run:${p.projectId}`]);
      const { queue, started } = await startQueue(2);
      await queue.enqueue(p);
      await until(
        async () =>
          (
            await spec.pool.query(`select 1 from pgboss.job where singleton_key = $1 and state = 'retry'`, [
              p.projectId,
            ])
          ).rowCount === 1,
        'the job to wait for a retry',
      );
      expect(started).toEqual([]);
    } finally {
      await other.end();
    }
  });

  it('should reclaim an active job only when no process holds its project', async () => {
    const [held, orphan] = [project(), project()];
    const other = new pg.Client({ connectionString: spec.db.url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock(hashtextextended($1, 0))', [`project-run:${held.projectId}`]);
      const { queue, started } = await startQueue(2);
      // Jobs left active by workers that died; one's project is still run by another process.
      await spec.pool.query(
        `insert into pgboss.job (name, data, state, started_on, singleton_key, policy)
         select 'project-run', d, 'active', now(), d ->> 'projectId', 'stately' from jsonb_array_elements($1::jsonb) d`,
        [JSON.stringify([held, orphan])],
      );
      expect(await queue.reclaim()).toEqual([orphan]);
      const { rows } = await spec.pool.query<{ key: string; state: string }>(
        `select singleton_key as key, state from pgboss.job where singleton_key = any($1)`,
        [[held.projectId, orphan.projectId]],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { key: held.projectId, state: 'active' },
          { key: orphan.projectId, state: 'cancelled' },
        ]),
      );
      expect(rows).toHaveLength(2);
      expect(started).toEqual([]);
    } finally {
      await other.end();
    }
  });

  it('should wait for the runs in progress when it stops, and take no more work', async () => {
    const p = project();
    const gates = new Map([[p.projectId, gate()]]);
    const { queue, started, ended } = await startQueue(2, gates);
    await queue.enqueue(p);
    await until(() => started.length === 1, 'the run to start');
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await queue.enqueue(project());
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    gates.get(p.projectId)!.open();
    await stopping;
    expect(ended).toEqual([p.projectId]);
    expect(started).toEqual([p.projectId]);
  });
});
