import { randomUUID } from 'node:crypto';
import { InboxSchema, type Approval, type RiskLevel } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DecisionContext, NewApproval } from '../src/modules/approvals/approvals.rows.js';
import { ApprovalsService } from '../src/modules/approvals/approvals.service.js';
import { actingIn, api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let service: ApprovalsService;
let workspaceId: string;
let ownerId: string;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const { rows } = await pool.query<{ workspace_id: string; user_id: string }>(
    `select w.id as workspace_id, u.id as user_id from workspaces w, users u where w.slug = 'default' and u.email = 'owner@localhost'`,
  );
  ({ workspace_id: workspaceId, user_id: ownerId } = rows[0]!);
  service = actingIn(workspaceId, app.app.get(ApprovalsService));
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

// --- factories: the execution engine is not wired yet, so tests create its rows directly ---

async function project(title = 'Quarterly vendor review'): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into projects (workspace_id, title, status, department) values ($1, $2, 'paused_for_approval', 'finance') returning id`,
    [workspaceId, title],
  );
  return rows[0]!.id;
}

async function step(projectId: string, stepKey: string, fields: Record<string, unknown> = {}): Promise<void> {
  const f = {
    name: `Step ${stepKey}`,
    status: 'pending_approval',
    due_at: null,
    assigned_user_id: null,
    assigned_human: null,
    human_collaboration_type: null,
    ...fields,
  };
  await pool.query(
    `insert into project_steps (workspace_id, project_id, step_key, name, status, due_at, assigned_user_id, assigned_human, human_collaboration_type)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      workspaceId,
      projectId,
      stepKey,
      f.name,
      f.status,
      f.due_at,
      f.assigned_user_id,
      f.assigned_human,
      f.human_collaboration_type,
    ],
  );
}

let seq = 0;
/** A paused step and its approval, raised the way the engine raises it. */
async function approval(
  overrides: Partial<NewApproval> & { projectId?: string; stepName?: string } = {},
): Promise<Approval> {
  const projectId = overrides.projectId ?? (await project());
  const stepKey = overrides.stepKey ?? `step_${++seq}`;
  await step(projectId, stepKey, { name: overrides.stepName ?? `Send payment run ${seq}` });
  return service.request({
    workspaceId,
    projectId,
    stepKey,
    threadId: `thread-${projectId}`,
    interruptId: `interrupt-${stepKey}`,
    agentName: 'invoice_processor',
    department: 'finance',
    action: 'pay_invoice',
    riskLevel: 'high',
    preview: {
      summary: 'Pay invoice INV-42 of 1,200 EUR to ACME GmbH',
      details: { invoice: 'INV-42', amountEur: 1200 },
    },
    ...overrides,
  });
}

/** A pending approval already past its expiry that no sweep has seen yet. */
async function pastDueApproval(): Promise<string> {
  const projectId = await project('Overdue approval');
  await step(projectId, 'send_contract');
  const { rows } = await pool.query<{ id: string }>(
    `insert into pending_approvals (workspace_id, project_id, step_key, agent_name, department, action, risk_level, preview, requested_at, expires_at)
     values ($1, $2, 'send_contract', 'vendor_manager', 'operations', 'send_email', 'high', '{"summary":"Send the contract","details":{}}',
             now() - interval '2 hours', now() - interval '1 hour')
     returning id`,
    [workspaceId, projectId],
  );
  return rows[0]!.id;
}

const decide = (id: string, body: unknown) => api(app.baseUrl, 'POST', `/api/approvals/${id}/decision`, body);
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('raising approvals', () => {
  it('should return the existing approval when a re-run node raises the same interrupt again', async () => {
    const first = await approval({ stepKey: 'idem' });
    const again = await service.request({
      workspaceId,
      projectId: first.projectId,
      stepKey: 'idem',
      threadId: `thread-${first.projectId}`,
      interruptId: 'interrupt-idem',
      agentName: 'invoice_processor',
      department: 'finance',
      action: 'pay_invoice',
      riskLevel: 'high',
      preview: { summary: 'again', details: {} },
    });
    expect(again.id).toBe(first.id);
    expect(again.preview.summary).toBe(first.preview.summary);
    const { rows } = await pool.query('select id from pending_approvals where project_id = $1', [first.projectId]);
    expect(rows).toHaveLength(1);
  });

  it('should take the expiry from the department policy when set, else 24 h', async () => {
    await pool.query(
      `update autonomy_policies set approval_expiry_minutes = 90 where workspace_id = $1 and department = 'finance'`,
      [workspaceId],
    );
    const finance = await approval();
    await pool.query(
      `update autonomy_policies set approval_expiry_minutes = null where workspace_id = $1 and department = 'finance'`,
      [workspaceId],
    );
    const other = await approval({ department: 'marketing' });
    const minutes = (a: Approval) => (Date.parse(a.expiresAt!) - Date.parse(a.requestedAt)) / 60_000;
    expect(minutes(finance)).toBeCloseTo(90, 3);
    expect(minutes(other)).toBeCloseTo(24 * 60, 3);
  });
});

describe('the queue', () => {
  it('should list newest first with filters and cursor pagination', async () => {
    const projectId = await project('Germany launch');
    const risks: RiskLevel[] = ['low', 'medium', 'high', 'critical', 'high'];
    const created: Approval[] = [];
    for (const [i, riskLevel] of risks.entries())
      created.push(
        await approval({
          projectId,
          riskLevel,
          stepKey: `launch_${i}`,
          stepName: `Launch step ${i}`,
          department: i === 0 ? 'marketing' : 'finance',
        }),
      );

    const seen: Approval[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(
        app.baseUrl,
        'GET',
        `/api/approvals?projectId=${projectId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.approvals.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.approvals);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.map((a) => a.id)).toEqual(created.map((a) => a.id).reverse());
    expect(seen[0]).toMatchObject({
      projectTitle: 'Germany launch',
      stepKey: 'launch_4',
      stepName: 'Launch step 4',
      status: 'pending',
      escalationLevel: 0,
    });

    const critical = await api(app.baseUrl, 'GET', `/api/approvals?projectId=${projectId}&riskLevel=critical`);
    expect(critical.body.approvals.map((a: Approval) => a.id)).toEqual([created[3]!.id]);
    const marketing = await api(app.baseUrl, 'GET', `/api/approvals?projectId=${projectId}&department=marketing`);
    expect(marketing.body.approvals.map((a: Approval) => a.id)).toEqual([created[0]!.id]);
    await decide(created[1]!.id, { decision: 'approve' });
    const approved = await api(app.baseUrl, 'GET', `/api/approvals?projectId=${projectId}&status=approved`);
    expect(approved.body.approvals.map((a: Approval) => a.id)).toEqual([created[1]!.id]);
  });

  it('should return one approval with its preview, and 404 for unknown ids', async () => {
    const created = await approval();
    const res = await api(app.baseUrl, 'GET', `/api/approvals/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: created.id,
      agentName: 'invoice_processor',
      action: 'pay_invoice',
      riskLevel: 'high',
      preview: {
        summary: 'Pay invoice INV-42 of 1,200 EUR to ACME GmbH',
        details: { invoice: 'INV-42', amountEur: 1200 },
      },
    });
    const missing = await api(app.baseUrl, 'GET', `/api/approvals/${MISSING}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('approval/not_found');
    expect((await api(app.baseUrl, 'GET', '/api/approvals/not-a-uuid')).status).toBe(404);
    expect((await decide(MISSING, { decision: 'approve' })).status).toBe(404);
  });

  it('should reject invalid input with 400 naming the field', async () => {
    const created = await approval();
    const bad = await decide(created.id, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('request/invalid');
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toContain('decision');
    expect((await decide(created.id, { decision: 'approve', extra: true })).status).toBe(400);
    expect((await decide(created.id, { decision: 'approve', notes: 'x'.repeat(4001) })).body.error.issues[0].path).toBe(
      'notes',
    );
    const bulk = await api(app.baseUrl, 'POST', '/api/approvals/bulk-decision', { ids: ['nope'], decision: 'approve' });
    expect(bulk.status).toBe(400);
    expect(bulk.body.error.issues[0].path).toBe('ids.0');
    expect(
      (await api(app.baseUrl, 'POST', '/api/approvals/bulk-decision', { ids: [], decision: 'approve' })).status,
    ).toBe(400);
    expect((await api(app.baseUrl, 'GET', '/api/approvals?riskLevel=bogus')).body.error.issues[0].path).toBe(
      'riskLevel',
    );
    expect((await api(app.baseUrl, 'GET', '/api/approvals?limit=0')).status).toBe(400);
    expect((await api(app.baseUrl, 'GET', '/api/approvals?cursor=garbage')).status).toBe(400);
    expect((await api(app.baseUrl, 'GET', `/api/approvals/${created.id}`)).body.status).toBe('pending');
  });
});

describe('deciding', () => {
  it('should approve with notes, audit it and count the pattern', async () => {
    const created = await approval({ action: 'pay_vendor' });
    const res = await decide(created.id, { decision: 'approve', notes: 'Checked against the PO' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: created.id,
      status: 'approved',
      decidedBy: 'Owner',
      decisionNotes: 'Checked against the PO',
    });
    expect(Date.parse(res.body.decidedAt)).toBeGreaterThan(0);
    const audit = await pool.query(
      `select actor, mode, result, approval_id, approved_by, step_key from audit_log where target_id = $1 and action = 'approval.approve'`,
      [created.id],
    );
    expect(audit.rows).toEqual([
      {
        actor: ownerId,
        mode: 'manual',
        result: 'success',
        approval_id: created.id,
        approved_by: ownerId,
        step_key: created.stepKey,
      },
    ]);
    const pattern = await pool.query(
      `select approved_count, rejected_count, consecutive_approvals, last_decision from approval_patterns where department = 'finance' and action = 'pay_vendor' and risk_level = 'high'`,
    );
    expect(pattern.rows).toEqual([
      { approved_count: 1, rejected_count: 0, consecutive_approvals: 1, last_decision: 'approved' },
    ]);
  });

  it('should reject, reset the consecutive approvals, and refuse a second decision with the current status', async () => {
    await decide((await approval({ action: 'pay_vendor' })).id, { decision: 'approve' });
    const created = await approval({ action: 'pay_vendor' });
    const res = await decide(created.id, { decision: 'reject', notes: 'Wrong amount' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', decisionNotes: 'Wrong amount' });
    const pattern = await pool.query(
      `select approved_count, rejected_count, consecutive_approvals from approval_patterns where department = 'finance' and action = 'pay_vendor' and risk_level = 'high'`,
    );
    expect(pattern.rows[0]).toEqual({ approved_count: 2, rejected_count: 1, consecutive_approvals: 0 });

    const again = await decide(created.id, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('approval/already_decided');
    expect(again.body.error.message).toMatch(/already rejected by Owner/);
    expect((await api(app.baseUrl, 'GET', `/api/approvals/${created.id}`)).body.status).toBe('rejected');
  });

  it('should let exactly one of 50 concurrent decisions win', async () => {
    const created = await approval();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        decide(created.id, { decision: i % 2 ? 'approve' : 'reject', notes: `decider ${i}` }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    const losers = results.filter((r) => r.status === 409);
    expect(losers).toHaveLength(49);
    expect(new Set(losers.map((r) => r.body.error.code))).toEqual(new Set(['approval/already_decided']));
    const audit = await pool.query(`select count(*)::int as n from audit_log where target_id = $1`, [created.id]);
    expect(audit.rows[0].n).toBe(1);
    const stored = (await api(app.baseUrl, 'GET', `/api/approvals/${created.id}`)).body;
    expect(stored.decisionNotes).toBe(winners[0]!.body.decisionNotes);
  });

  it('should decide in bulk id by id, reporting the ones that could not be decided', async () => {
    const [a, b, c] = [await approval(), await approval(), await approval()];
    await decide(b.id, { decision: 'reject' });
    const res = await api(app.baseUrl, 'POST', '/api/approvals/bulk-decision', {
      ids: [a.id, b.id, MISSING, c.id],
      decision: 'approve',
      notes: 'bulk',
    });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.results.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(a.id)).toMatchObject({ ok: true, approval: { status: 'approved', decisionNotes: 'bulk' } });
    expect(byId.get(c.id)).toMatchObject({ ok: true, approval: { status: 'approved' } });
    expect(byId.get(b.id)).toMatchObject({ ok: false, error: { code: 'approval/already_decided' } });
    expect(byId.get(MISSING)).toMatchObject({ ok: false, error: { code: 'approval/not_found' } });
    expect((await api(app.baseUrl, 'GET', `/api/approvals/${b.id}`)).body.status).toBe('rejected');
  });

  it('should emit approval.requested and approval.decided to the workspace room', async () => {
    const socket: Socket = await connectSocket(app.baseUrl);
    try {
      const requested = new Promise<Approval>((resolve) => socket.on('approval.requested', resolve));
      const created = await approval();
      expect((await requested).id).toBe(created.id);
      const decided = new Promise<Approval>((resolve) =>
        socket.on('approval.decided', (a: Approval) => a.id === created.id && resolve(a)),
      );
      await decide(created.id, { decision: 'approve' });
      expect(await decided).toMatchObject({ id: created.id, status: 'approved', decidedBy: 'Owner' });
    } finally {
      socket.disconnect();
    }
  });
});

describe('stopping a project', () => {
  it('should withdraw its pending approvals without resuming anything', async () => {
    const projectId = await project('Stopped project');
    const [open, done] = [await approval({ projectId }), await approval({ projectId })];
    await decide(done.id, { decision: 'approve' });
    const heard: string[] = [];
    const off = service.onDecided((a) => void heard.push(a.id));
    try {
      const cancelled = await service.cancelForProject(workspaceId, projectId, 'The project was stopped.');
      expect(cancelled.map((a) => [a.id, a.status, a.decisionNotes])).toEqual([
        [open.id, 'cancelled', 'The project was stopped.'],
      ]);
      expect(heard).toEqual([]);
      const audit = await pool.query(
        `select actor, project_id, details from audit_log where target_id = $1 and action = 'approval.cancel'`,
        [open.id],
      );
      expect(audit.rows).toEqual([
        {
          actor: 'approvals',
          project_id: projectId,
          details: { action: open.action, reason: 'The project was stopped.' },
        },
      ]);
      const late = await decide(open.id, { decision: 'approve' });
      expect(late.status).toBe(409);
      expect(late.body.error.message).toMatch(/already cancelled/);
      expect((await api(app.baseUrl, 'GET', `/api/approvals/${done.id}`)).body.status).toBe('approved');
    } finally {
      off();
    }
  });
});

describe('expiry and escalation', () => {
  it('should refuse a decision past expiry, then expire it and tell the listeners it was not approved', async () => {
    const heard: Array<[Approval, DecisionContext]> = [];
    const off = service.onDecided((a, ctx) => void heard.push([a, ctx]));
    try {
      const id = await pastDueApproval();
      const late = await decide(id, { decision: 'approve' });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('approval/expired');
      await service.sweep();
      await vi.waitFor(() => expect(heard.map(([a]) => a.id)).toContain(id));
      const [expired, ctx] = heard.find(([a]) => a.id === id)!;
      expect(expired).toMatchObject({ status: 'expired', decidedBy: null });
      expect(expired.decisionNotes).toMatch(/^Expired after 1 h without a decision: treated as rejected\.$/);
      expect(ctx).toMatchObject({ workspaceId, decidedByUserId: null });
      expect((await decide(id, { decision: 'approve' })).body.error.code).toBe('approval/expired');
      const audit = await pool.query(
        `select actor_type, mode from audit_log where target_id = $1 and action = 'approval.expire'`,
        [id],
      );
      expect(audit.rows).toEqual([{ actor_type: 'system', mode: 'automatic' }]);
    } finally {
      off();
    }
  });

  it('should call listeners with the resume target once per decision', async () => {
    const heard: DecisionContext[] = [];
    const off = service.onDecided((_a, ctx) => void heard.push(ctx));
    try {
      const created = await approval();
      await decide(created.id, { decision: 'approve' });
      await decide(created.id, { decision: 'approve' });
      expect(heard).toEqual([
        expect.objectContaining({
          threadId: `thread-${created.projectId}`,
          interruptId: `interrupt-${created.stepKey}`,
          decidedByUserId: ownerId,
          kind: 'action',
        }),
      ]);
    } finally {
      off();
    }
  });

  it('should escalate an undecided approval up the reportsTo line after the timeout', async () => {
    const chain = await pool.query<{ path: string[] }>(
      `select path from agent_hierarchy where workspace_id = $1 and agent_name = 'roi_calculator'`,
      [workspaceId],
    );
    const up = [...chain.rows[0]!.path].reverse(); // roi_calculator, its manager, the C-suite, the CEO
    expect(up.length).toBeGreaterThanOrEqual(3);
    const created = await approval({ agentName: 'roi_calculator', department: 'finance', expiresAt: null });
    const heard: string[] = [];
    const off = service.onDecided((a) => void heard.push(a.id));
    try {
      const t0 = Date.parse(created.requestedAt);
      expect((await service.sweep(new Date(t0 + 30 * 60_000))).escalated.map((a) => a.id)).not.toContain(created.id);
      const first = (await service.sweep(new Date(t0 + 61 * 60_000))).escalated.find((a) => a.id === created.id);
      expect(first).toMatchObject({ escalationLevel: 1, escalatedTo: up[1], status: 'pending' });
      // The timeout restarts at each level.
      expect((await service.sweep(new Date(t0 + 90 * 60_000))).escalated.map((a) => a.id)).not.toContain(created.id);
      const second = (await service.sweep(new Date(t0 + 122 * 60_000))).escalated.find((a) => a.id === created.id);
      expect(second).toMatchObject({ escalationLevel: 2, escalatedTo: up[2] });
      expect(heard).not.toContain(created.id);
      const audit = await pool.query(
        `select actor_type, actor, mode, result, department, details from audit_log
          where target_id = $1 and action = 'approval.escalate' order by (details->>'escalationLevel')::int`,
        [created.id],
      );
      expect(audit.rows).toEqual(
        [up[1], up[2]].map((escalatedTo, i) => ({
          actor_type: 'system',
          actor: 'approvals.sweeper',
          mode: 'automatic',
          result: 'success',
          department: 'finance',
          details: { escalatedTo, escalationLevel: i + 1, afterMinutes: 60 },
        })),
      );
      // Still decidable by whoever is now responsible.
      expect((await decide(created.id, { decision: 'approve' })).status).toBe(200);
    } finally {
      off();
    }
  });

  it('should emit approval.escalated to the workspace with the new owner when an approval moves up', async () => {
    const socket: Socket = await connectSocket(app.baseUrl);
    try {
      const created = await approval({ agentName: 'roi_calculator', department: 'finance', expiresAt: null });
      const heard = new Promise<Approval>((resolve) =>
        socket.on('approval.escalated', (a: Approval) => a.id === created.id && resolve(a)),
      );
      await service.sweep(new Date(Date.parse(created.requestedAt) + 61 * 60_000));
      const event = await heard;
      expect(event).toMatchObject({ id: created.id, escalationLevel: 1, status: 'pending' });
      expect(event.escalatedTo).toBeTruthy();
    } finally {
      socket.close();
    }
  });
});

describe('inbox', () => {
  it('should list my pending approvals and the steps waiting for me, newest first', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `insert into users (email, display_name) values ($1, 'Sarah') returning id`,
      [`sarah-${randomUUID()}@example.com`],
    );
    const sarah = rows[0]!.id;
    const mine = await approval();
    const hers = await approval({ assignedUserId: sarah });
    const assignedToMe = await approval({ assignedUserId: ownerId });
    const decided = await approval();
    await decide(decided.id, { decision: 'reject' });
    const pastDue = await pastDueApproval();

    const projectId = await project('Hiring plan');
    const due = new Date(Date.now() + 3 * 86_400_000);
    await step(projectId, 'review_offer', {
      name: 'Review the offer letter',
      status: 'waiting_for_human',
      due_at: due,
      assigned_human: 'Owner',
      human_collaboration_type: 'review',
    });
    await step(projectId, 'sarah_signs', {
      name: 'Sign the budget',
      status: 'waiting_for_human',
      assigned_user_id: sarah,
      human_collaboration_type: 'approval',
    });
    await step(projectId, 'late_guidance', {
      name: 'Give guidance',
      status: 'waiting_for_human',
      due_at: new Date(Date.now() - 86_400_000),
      human_collaboration_type: 'guidance',
    });
    await step(projectId, 'done', { name: 'Done already', status: 'completed' });

    const res = await api(app.baseUrl, 'GET', '/api/inbox');
    expect(res.status).toBe(200);
    const inbox = InboxSchema.parse(res.body);
    const ids = inbox.approvals.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining([mine.id, assignedToMe.id]));
    expect(ids).not.toContain(hers.id);
    expect(ids).not.toContain(decided.id);
    expect(ids).not.toContain(pastDue);
    expect(ids.indexOf(assignedToMe.id)).toBeLessThan(ids.indexOf(mine.id));
    const steps = inbox.humanSteps.filter((s) => s.projectId === projectId);
    expect(steps.map((s) => s.stepKey).sort()).toEqual(['late_guidance', 'review_offer']);
    expect(steps.find((s) => s.stepKey === 'review_offer')).toMatchObject({
      projectTitle: 'Hiring plan',
      name: 'Review the offer letter',
      collaboration: 'review',
      dueAt: due.toISOString(),
      overdue: false,
    });
    expect(steps.find((s) => s.stepKey === 'late_guidance')).toMatchObject({ overdue: true });
  });
});
