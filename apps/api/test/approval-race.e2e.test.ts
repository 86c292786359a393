import type { Approval, Plan, PlanStep, ProjectStep } from '@orchestrator/contracts';
import { ScriptedChatModel } from '@orchestrator/core';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

// A decision and the pause it answers: the approval is decided after the run raised it and
// before the run has moved the project to paused_for_approval. The decision sees the project
// running (and queues a run); the pause lands after it. Nothing may be left waiting.

/** Advisory lock the test database's trigger waits on before a project is paused for approval. */
const HOLD_PAUSE = 4242;

let db: TestDatabase;
let sql: pg.Client;
let app: TestApp | undefined;

beforeAll(async () => {
  db = await testDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  // In this test database only: the pause waits while the test holds HOLD_PAUSE, so a decision
  // can be made exactly between the run's interrupt and its pause.
  await sql.query(`
    create function test_hold_pause() returns trigger language plpgsql as $$
    begin
      if old.status = 'running' and new.status = 'paused_for_approval' then
        perform pg_advisory_xact_lock(${HOLD_PAUSE});
      end if;
      return new;
    end $$;
    create trigger test_hold_pause before update of status on projects for each row execute function test_hold_pause();`);
});
afterAll(async () => {
  await app?.close();
  await sql?.end();
  await db?.drop();
});

const step = (id: string, riskLevel: PlanStep['riskLevel'] = 'critical'): PlanStep => ({
  id,
  name: `Publish ${id}`,
  description: `Publish the ${id} announcement.`,
  type: 'standard',
  department: 'marketing',
  dependsOn: [],
  assignedAgent: 'blog_post_writer',
  assignedHuman: null,
  collaboration: null,
  capability: null,
  // Critical: waits for a person whatever the autonomy.
  riskLevel,
  estimatedDuration: { value: 1, unit: 'hours' },
});

const plan = (ids: string[], riskLevel?: PlanStep['riskLevel']): Plan => ({
  title: `Announce ${ids.join(' and ')}`,
  request: 'Publish the announcements',
  template: null,
  department: 'marketing',
  horizon: 'short_term',
  steps: ids.map((id) => step(id, riskLevel)),
  criticalPath: { stepIds: [], totalMinutes: 60, display: { value: 1, unit: 'hours' } },
  warnings: [],
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const statusOf = async (id: string) =>
  (await sql.query<{ status: string }>('select status from projects where id = $1', [id])).rows[0]!.status;
const pending = async (id: string) =>
  (await api(app!.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${id}`)).body.approvals as Approval[];
const steps = async (id: string) =>
  (await api(app!.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
const decide = async (approvalId: string) =>
  (await api(app!.baseUrl, 'POST', `/api/approvals/${approvalId}/decision`, { decision: 'approve' })).status;

/** A plan waiting for approval, approved through the API: its run starts. */
async function approvedProject(ids: string[], riskLevel?: PlanStep['riskLevel']): Promise<string> {
  const workspaceId = (await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!.id;
  const p = plan(ids, riskLevel);
  const { rows } = await sql.query<{ id: string }>(
    `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, autonomy_level)
     values ($1, $2, 'awaiting_plan_approval', $3, 1, 'marketing', 'autonomous') returning id`,
    [workspaceId, p.title, JSON.stringify(p)],
  );
  const id = rows[0]!.id;
  await sql.query(
    `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'test')`,
    [workspaceId, id, JSON.stringify(p)],
  );
  expect((await api(app!.baseUrl, 'POST', `/api/projects/${id}/approve`, { version: 1 })).status).toBe(200);
  return id;
}

describe('an approval decided as its run pauses', () => {
  it('should resume the project when the approval is decided between the run interrupt and its pause', async () => {
    app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [HOLD_PAUSE]);
      const id = await approvedProject(['launch']);
      // The run has raised the approval and its pause is waiting on the trigger.
      await until(
        async () =>
          (
            await sql.query(
              `select 1 from pg_locks where locktype = 'advisory' and not granted and classid = 0 and objid = $1`,
              [HOLD_PAUSE],
            )
          ).rowCount === 1,
        'the pause to wait',
      );
      const [approval] = await pending(id);
      expect(await statusOf(id)).toBe('running');
      expect(await decide(approval!.id)).toBe(200);
      await holder.query('select pg_advisory_unlock($1)', [HOLD_PAUSE]);

      await until(async () => (await statusOf(id)) === 'completed', 'the project to complete');
      expect((await steps(id)).map((s) => s.status)).toEqual(['completed']);
      const moves = await sql.query<{ to_status: string }>(
        `select to_status from project_status_transitions where project_id = $1 order by created_at, id`,
        [id],
      );
      expect(moves.rows.map((r) => r.to_status).slice(-3)).toEqual(['paused_for_approval', 'running', 'completed']);
      expect(await pending(id)).toEqual([]);
    } finally {
      await holder.end();
      await app.close();
      app = undefined;
    }
  });

  it('should pick up at start a project paused for approvals that were decided while no run could resume it', async () => {
    app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
    const single = await approvedProject(['launch']);
    const pair = await approvedProject(['press', 'blog']);
    await until(
      async () =>
        (await statusOf(single)) === 'paused_for_approval' && (await statusOf(pair)) === 'paused_for_approval',
      'both projects to pause for approval',
    );
    await until(async () => (await pending(pair)).length === 2, 'both approvals of the pair');
    const [singleApproval] = await pending(single);
    const [first] = await pending(pair);
    await app.close();
    app = undefined;

    // Decided while no process ran (a decision whose resume was lost with its process).
    await sql.query(`update pending_approvals set status = 'approved', decided_at = now() where id = any($1)`, [
      [singleApproval!.id, first!.id],
    ]);
    app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
    // Nothing pending: the project completes.
    await until(async () => (await statusOf(single)) === 'completed', 'the single project to complete');
    // One of two decided: that step runs, and the project waits for the other again.
    await until(
      async () => (await steps(pair)).find((s) => s.stepKey === first!.stepKey)?.status === 'completed',
      'the decided step of the pair to complete',
    );
    await until(async () => (await statusOf(pair)) === 'paused_for_approval', 'the pair to pause again');
    const [second] = await pending(pair);
    expect(second!.id).not.toBe(first!.id);
    expect(await decide(second!.id)).toBe(200);
    await until(async () => (await statusOf(pair)) === 'completed', 'the pair to complete');
  });

  it('should pick up at start a project paused on an error whose chosen recovery no run carried out', async () => {
    // Every agent the step may go to fails; then the person's choice (skip) is all that is left.
    const failing = new ScriptedChatModel(Array.from({ length: 20 }, () => new Error('the model is down')));
    const llm = { info: { provider: 'scripted', model: 'down', offline: false }, chatModel: failing };
    app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1', STEP_MAX_ATTEMPTS: '1' }, llm);
    const id = await approvedProject(['launch'], 'low');
    await until(async () => (await statusOf(id)) === 'paused_on_error', 'the project to pause on the error');
    await app.close();
    app = undefined;

    // Chosen while no process ran (a recovery whose resume was lost with its process).
    await sql.query(
      `update project_errors set recovery_action = 'skip' where project_id = $1 and resolved_at is null`,
      [id],
    );
    app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1', STEP_MAX_ATTEMPTS: '1' }, llm);
    await until(async () => (await statusOf(id)) === 'completed', 'the project to complete');
    expect((await steps(id)).map((s) => s.status)).toEqual(['skipped']);
    const open = await sql.query(`select 1 from project_errors where project_id = $1 and resolved_at is null`, [id]);
    expect(open.rowCount).toBe(0);
  });
});
