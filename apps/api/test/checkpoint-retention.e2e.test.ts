import type { Message, ProjectDetail } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../src/config/env.js';
import { CheckpointRetention } from '../src/modules/execution/blobs/checkpoint-retention.js';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  // The timer is off: the test sweeps by hand.
  app = await startApp(db.url, {
    STEP_BACKOFF_BASE_MS: '1',
    CHECKPOINT_RETENTION_INTERVAL_MS: '0',
    CHECKPOINT_RETENTION_KEEP_LAST: '3',
    CHECKPOINT_RETENTION_MIN_AGE_HOURS: '0',
  });
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const detail = async (id: string) => (await api(app.baseUrl, 'GET', `/api/projects/${id}`)).body as ProjectDetail;

/** Runs a project through its approval gates until it stops for good (completed or a failure). */
async function runProject(): Promise<string> {
  const conv = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const reply = (
    await api(app.baseUrl, 'POST', `/api/conversations/${conv}/messages`, {
      content: 'Plan the hiring of a senior data engineer over the next two months',
    })
  ).body.reply as Message;
  const { id, version } = reply.metadata.project as { id: string; version: number };
  await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version });
  for (let round = 0; round < 200; round++) {
    const d = await detail(id);
    if (d.status === 'paused_for_approval') {
      const pending = (await api(app.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${id}`)).body
        .approvals as Array<{ id: string }>;
      for (const a of pending)
        await api(app.baseUrl, 'POST', `/api/approvals/${a.id}/decision`, { decision: 'approve' });
    } else if (d.status !== 'running') return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('project did not settle');
}

const checkpointCount = async (threadId: string) =>
  (
    await pool.query<{ n: number }>('select count(*)::int as n from checkpoints.checkpoints where thread_id = $1', [
      threadId,
    ])
  ).rows[0]!.n;

describe('checkpoint retention', () => {
  it('should delete nothing when no checkpoint is older than the minimum age', async () => {
    const id = await runProject();
    const before = await checkpointCount(`project:${id}`);
    const config = {
      env: {
        CHECKPOINT_RETENTION_KEEP_LAST: 1,
        CHECKPOINT_RETENTION_MIN_AGE_HOURS: 24,
        CHECKPOINT_RETENTION_INTERVAL_MS: 0,
      },
    } as AppConfig;
    const cautious = new CheckpointRetention(pool, config);
    const outcome = await cautious.sweep();
    expect(outcome).toMatchObject({ kind: 'swept', result: { checkpoints: 0 } });
    expect(await checkpointCount(`project:${id}`)).toBe(before);
  });

  it('should keep the newest checkpoints of each thread and leave the project readable when old ones are pruned', async () => {
    const id = await runProject();
    const thread = `project:${id}`;
    expect(await checkpointCount(thread)).toBeGreaterThan(3);
    const status = (await detail(id)).status;
    const stepsBefore = (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as Array<{
      stepKey: string;
      status: string;
    }>;

    const outcome = await app.app.get(CheckpointRetention).sweep();
    expect(outcome.kind).toBe('swept');
    expect(outcome.kind === 'swept' && outcome.result.checkpoints).toBeGreaterThan(0);
    const { rows } = await pool.query<{ n: number }>(
      'select count(*)::int as n from checkpoints.checkpoints where thread_id = $1 group by checkpoint_ns',
      [thread],
    );
    expect(rows.every((r) => r.n <= 3)).toBe(true);

    // The latest state is intact: history, status and steps read as before.
    const history = (await api(app.baseUrl, 'GET', `/api/projects/${id}/checkpoints`)).body.checkpoints as unknown[];
    expect(history.length).toBeGreaterThan(0);
    expect(history.length).toBeLessThanOrEqual(3);
    expect((await detail(id)).status).toBe(status);
    expect((await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps).toEqual(stepsBefore);
  });

  it('should skip a sweep while another process holds the retention lock', async () => {
    const holder = await pool.connect();
    try {
      await holder.query(`select pg_advisory_lock(hashtextextended('checkpoint-retention', 0))`);
      expect(await app.app.get(CheckpointRetention).sweep()).toEqual({ kind: 'skipped', reason: 'another_process' });
    } finally {
      await holder.query(`select pg_advisory_unlock(hashtextextended('checkpoint-retention', 0))`);
      holder.release();
    }
  });
});
