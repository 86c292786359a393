/**
 * "Approve the remaining steps of this project at this risk or below" (docs/security.md): the
 * route approves what waits now, and the standing approval it records approves later steps of the
 * project within the ceiling as the run reaches them — never a critical one — each audited.
 */
import {
  ApprovalDetailSchema,
  ApproveRemainingResultSchema,
  type Approval,
  type Plan,
  type ProjectDetail,
  type RiskLevel,
} from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';
import { approveProject, linearPlan, projectAwaitingApproval } from './linear-project.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let ownerId: string;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  ownerId = (await pool.query<{ id: string }>(`select id from users where email = 'owner@localhost'`)).rows[0]!.id;
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

/** A supervised project (every step waits for a person) whose steps have these risks, started. */
async function supervisedProject(title: string, risks: RiskLevel[]): Promise<string> {
  const base = linearPlan(title, risks.length);
  const plan: Plan = { ...base, steps: base.steps.map((s, i) => ({ ...s, riskLevel: risks[i]! })) };
  const { projectId } = await projectAwaitingApproval(pool, plan);
  await pool.query(`update projects set autonomy_level = 'supervised' where id = $1`, [projectId]);
  await approveProject(app.baseUrl, projectId);
  return projectId;
}

const detail = async (id: string) => (await api(app.baseUrl, 'GET', `/api/projects/${id}`)).body as ProjectDetail;

/** Waits until the run stops moving (paused or finished). */
async function settle(projectId: string): Promise<ProjectDetail> {
  const until = Date.now() + 30_000;
  for (;;) {
    const d = await detail(projectId);
    if (d.status !== 'running' && d.status !== 'awaiting_plan_approval') return d;
    if (Date.now() > until) throw new Error(`project ${projectId} still ${d.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function approvalsOf(projectId: string): Promise<Approval[]> {
  return (await api(app.baseUrl, 'GET', `/api/approvals?projectId=${projectId}&limit=200`)).body
    .approvals as Approval[];
}

const byStep = async (projectId: string, stepKey: string) =>
  (await approvalsOf(projectId)).find((a) => a.stepKey === stepKey);

const approveRemaining = (projectId: string, body: unknown) =>
  api(app.baseUrl, 'POST', `/api/projects/${projectId}/approvals/approve-remaining`, body);

async function audit(projectId: string) {
  const { rows } = await pool.query<{
    action: string;
    actor_type: string;
    actor: string;
    target_type: string | null;
    target_id: string | null;
    step_key: string | null;
    risk_level: string | null;
    mode: string;
    approved_by: string | null;
    details: Record<string, unknown>;
  }>(
    `select action, actor_type, actor, target_type, target_id, step_key, risk_level, mode, approved_by, details
       from audit_log where project_id = $1 and action like 'approval.%' order by created_at, id`,
    [projectId],
  );
  return rows;
}

describe('approve the remaining steps of a project', () => {
  it('should approve what waits, auto-approve later steps within the ceiling and stop at a critical one', async () => {
    const projectId = await supervisedProject('Launch campaign', ['low', 'medium', 'high', 'critical', 'medium']);
    expect((await settle(projectId)).status).toBe('paused_for_approval');
    const first = (await byStep(projectId, 's00'))!;
    expect(first.status).toBe('pending');

    // What is coming next, before anything is decided.
    const before = ApprovalDetailSchema.parse((await api(app.baseUrl, 'GET', `/api/approvals/${first.id}`)).body);
    expect(before.autonomy).toBe('supervised');
    expect(before.standing).toBeNull();
    expect(before.upcoming.map((u) => [u.stepKey, u.individual, u.covered])).toEqual([
      ['s01', false, false],
      ['s02', false, false],
      ['s03', true, false],
      ['s04', false, false],
    ]);

    const res = await approveRemaining(projectId, { maxRisk: 'high', notes: 'Routine launch work' });
    expect(res.status).toBe(200);
    const result = ApproveRemainingResultSchema.parse(res.body);
    expect(result.standing).toMatchObject({ projectId, maxRisk: 'high' });
    expect(result.approved.map((a) => a.id)).toEqual([first.id]);
    expect(result.approved[0]!.viaStandingApproval).toBe(false);
    expect(result.upcoming.find((u) => u.stepKey === 's03')).toMatchObject({ individual: true, covered: false });

    // The run goes on by itself through s01 and s02 and waits again at the critical s03.
    await expect.poll(async () => (await byStep(projectId, 's03'))?.status, { timeout: 30_000 }).toBe('pending');
    expect((await settle(projectId)).status).toBe('paused_for_approval');
    for (const key of ['s01', 's02']) {
      const auto = (await byStep(projectId, key))!;
      expect(auto).toMatchObject({ status: 'approved', viaStandingApproval: true });
      expect(auto.decidedBy).toBeTruthy();
      expect(auto.decisionNotes).toMatch(/standing approval of/);
    }

    // The critical step's detail shows what it builds on: s02's result.
    const critical = (await byStep(projectId, 's03'))!;
    const shown = ApprovalDetailSchema.parse((await api(app.baseUrl, 'GET', `/api/approvals/${critical.id}`)).body);
    expect(shown.inputs).toHaveLength(1);
    expect(shown.inputs[0]).toMatchObject({ stepKey: 's02', status: 'completed', truncated: false });
    expect(shown.inputs[0]!.content?.length).toBeGreaterThan(0);
    expect(shown.standing).toMatchObject({ maxRisk: 'high' });
    expect(shown.upcoming).toEqual([expect.objectContaining({ stepKey: 's04', covered: true })]);

    // Audited: one entry for the standing approval, one for the approval approved now, one per step it reached.
    const entries = await audit(projectId);
    expect(entries.filter((e) => e.action === 'approval.approve_remaining')).toEqual([
      expect.objectContaining({
        actor_type: 'user',
        actor: ownerId,
        target_type: 'project',
        target_id: projectId,
        risk_level: 'high',
      }),
    ]);
    expect(entries.filter((e) => e.action === 'approval.approve')).toEqual([
      expect.objectContaining({ actor: ownerId, target_id: first.id, approved_by: ownerId, mode: 'manual' }),
    ]);
    const standing = entries.filter((e) => e.action === 'approval.approve_standing');
    expect(standing.map((e) => e.step_key)).toEqual(['s01', 's02']);
    for (const e of standing) {
      expect(e).toMatchObject({ actor: ownerId, approved_by: ownerId, mode: 'approved' });
      expect(String(e.details.reason)).toMatch(
        /^Approved by standing approval of .+ \(steps of “Launch campaign” at high risk or below\)\.$/,
      );
    }

    // The critical step is decided on its own; the medium one after it is approved as it is reached.
    expect(
      (await api(app.baseUrl, 'POST', `/api/approvals/${critical.id}/decision`, { decision: 'approve' })).status,
    ).toBe(200);
    await expect.poll(async () => (await detail(projectId)).status, { timeout: 30_000 }).toBe('completed');
    expect(await byStep(projectId, 's04')).toMatchObject({ status: 'approved', viaStandingApproval: true });
  });

  it('should leave steps above the ceiling waiting', async () => {
    const projectId = await supervisedProject('Newsletter', ['medium', 'low', 'high']);
    await settle(projectId);
    const first = (await byStep(projectId, 's00'))!;
    const res = ApproveRemainingResultSchema.parse((await approveRemaining(projectId, { maxRisk: 'low' })).body);
    expect(res.approved).toEqual([]);
    expect((await byStep(projectId, 's00'))!.status).toBe('pending');
    expect(res.upcoming.map((u) => [u.stepKey, u.covered])).toEqual([
      ['s01', true],
      ['s02', false],
    ]);

    await api(app.baseUrl, 'POST', `/api/approvals/${first.id}/decision`, { decision: 'approve' });
    await expect.poll(async () => (await byStep(projectId, 's02'))?.status, { timeout: 30_000 }).toBe('pending');
    expect(await byStep(projectId, 's01')).toMatchObject({ status: 'approved', viaStandingApproval: true });
  });

  it('should stop approving in the name of someone who may no longer decide approvals', async () => {
    const projectId = await supervisedProject('Partner outreach', ['medium', 'low']);
    await settle(projectId);
    expect((await approveRemaining(projectId, { maxRisk: 'low' })).status).toBe(200);
    // The person who gave it is now only a viewer of the workspace.
    const { rows } = await pool.query<{ id: string }>(
      `insert into users (email, display_name) values ('vera@example.com', 'Vera Viewer') returning id`,
    );
    await pool.query(
      `insert into memberships (workspace_id, user_id, role) select workspace_id, $1, 'viewer' from projects where id = $2`,
      [rows[0]!.id, projectId],
    );
    await pool.query(`update standing_approvals set granted_by = $1 where project_id = $2`, [rows[0]!.id, projectId]);

    await api(app.baseUrl, 'POST', `/api/approvals/${(await byStep(projectId, 's00'))!.id}/decision`, {
      decision: 'approve',
    });
    await expect.poll(async () => (await byStep(projectId, 's01'))?.status, { timeout: 30_000 }).toBe('pending');
    expect((await byStep(projectId, 's01'))!.viaStandingApproval).toBe(false);
  });

  it('should refuse critical as a ceiling, unknown fields, another project and an ended one, writing nothing', async () => {
    const projectId = await supervisedProject('Price change', ['high', 'low']);
    await settle(projectId);
    const count = async () =>
      (
        await pool.query<{ n: number }>(
          `select (select count(*) from standing_approvals)::int + (select count(*) from audit_log where action like 'approval.approve%')::int as n`,
        )
      ).rows[0]!.n;
    const before = await count();

    const critical = await approveRemaining(projectId, { maxRisk: 'critical' });
    expect(critical.status).toBe(400);
    expect(critical.body.error.code).toBe('request/invalid');
    expect((await approveRemaining(projectId, { maxRisk: 'low', everything: true })).status).toBe(400);
    const missing = await approveRemaining('00000000-0000-4000-8000-000000000000', { maxRisk: 'low' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('project/not_found');

    await pool.query(`update projects set status = 'aborted' where id = $1`, [projectId]);
    const ended = await approveRemaining(projectId, { maxRisk: 'high' });
    expect(ended.status).toBe(409);
    expect(ended.body.error.message).toMatch(/has ended/);
    expect(await count()).toBe(before);
    expect((await byStep(projectId, 's00'))!.status).toBe('pending');
  });
});
