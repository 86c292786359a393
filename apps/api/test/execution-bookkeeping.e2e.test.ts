import type { ProjectStep } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';
import { linearPlan, projectAwaitingApproval } from './linear-project.js';

// Batched bookkeeping (issue #4): a step's completion is saved in the statement that saves the
// step's checkpoint and applied (step row, audit entry, error resolution) right after;
// step.updated follows that apply.
const STEPS = 6;

let db: TestDatabase;
let app: TestApp;
let sql: pg.Client;
let socket: Socket;

/** Statements the server sends, in order. */
const sent: Array<{ text: string }> = [];
const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = proto.query;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  socket = await connectSocket(app.baseUrl);
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    sent.push({
      text: (typeof first === 'string' ? first : String((first as { text?: string }).text ?? ''))
        .replace(/\s+/g, ' ')
        .trim(),
    });
    return originalQuery.apply(this, args);
  };
});
afterAll(async () => {
  proto.query = originalQuery;
  socket?.disconnect();
  await sql?.end();
  await app?.close();
  await db?.drop();
});

describe('step bookkeeping', () => {
  it("should save each completion in its checkpoint's statement and emit it once, after the commit", async () => {
    const plan = linearPlan('Bookkeeping guide', STEPS);
    const { projectId } = await projectAwaitingApproval(sql, plan);

    // What another connection sees when each completion event arrives.
    const seenAtEvent: Array<Promise<{ key: string; status: string; audits: number }>> = [];
    socket.on('step.updated', (e: { projectId: string; step: ProjectStep }) => {
      if (e.projectId !== projectId || e.step.status !== 'completed') return;
      seenAtEvent.push(
        sql
          .query<{ status: string; audits: number }>(
            `select s.status, (select count(*)::int from audit_log a where a.project_id = s.project_id and a.step_key = s.step_key and a.action = 'step.execute') as audits
               from project_steps s where s.project_id = $1 and s.step_key = $2`,
            [projectId, e.step.stepKey],
          )
          .then((r) => ({ key: e.step.stepKey, ...r.rows[0]! })),
      );
    });

    sent.length = 0;
    expect((await api(app.baseUrl, 'POST', `/api/projects/${projectId}/approve`, { version: 1 })).status).toBe(200);
    const until = Date.now() + 60_000;
    while (
      (await sql.query<{ status: string }>('select status from projects where id = $1', [projectId])).rows[0]!
        .status === 'running' &&
      Date.now() < until
    )
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));

    const seen = await Promise.all(seenAtEvent);
    expect(seen.map((s) => s.key).sort()).toEqual(plan.steps.map((s) => s.id).sort());
    expect(seen.every((s) => s.status === 'completed' && s.audits === 1)).toBe(true);

    // Each completion was saved by the very statement that saved its step's checkpoint, then
    // applied to the step row and the audit log (every one of them, exactly once).
    const saved = sent.filter((q) => q.text.includes('insert into step_completions'));
    expect(saved).toHaveLength(STEPS);
    expect(saved.every((q) => q.text.includes('insert into checkpoints.checkpoints'))).toBe(true);
    expect((await sql.query('select 1 from step_completions where project_id = $1', [projectId])).rowCount).toBe(0);
    // The step rows were inserted by the statement that saved the run's first checkpoint (its input).
    const inserted = sent.filter((q) => q.text.includes('insert into project_steps'));
    expect(inserted).toHaveLength(1);
    expect(inserted[0]!.text).toContain('insert into checkpoints.checkpoints');

    // The run read its project (status, plan, steps) once, not once per step, and its thread's
    // head once to start (the runner's questions, the engine and LangGraph share it) and once to
    // tell how it ended; every completed step still records when it started (written with its
    // completion when it was quick).
    expect(sent.filter((q) => q.text.startsWith('select p.status'))).toHaveLength(1);
    expect(sent.filter((q) => q.text.startsWith('with cp as materialized'))).toHaveLength(2);
    const unstarted = await sql.query(
      `select step_key from project_steps where project_id = $1 and (started_at is null or started_at > completed_at)`,
      [projectId],
    );
    expect(unstarted.rows).toEqual([]);
  }, 120_000);
});
