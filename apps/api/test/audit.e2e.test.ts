import type { AuditEntry } from '@orchestrator/contracts';
import { AuditPageSchema } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalsService } from '../src/modules/approvals/approvals.service.js';
import { actingIn, api, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let workspaceId: string;
let ownerId: string;
let projectId: string;
let otherProjectId: string;
const approvalIds: string[] = [];

/** Writes an entry the way other modules do (the API itself has no endpoint that writes the log). */
async function entry(fields: {
  actorType: 'user' | 'agent' | 'system';
  actor: string;
  action: string;
  mode: 'automatic' | 'approved' | 'manual';
  projectId?: string | null;
  workspace?: string;
  approvalId?: string;
}) {
  await pool.query(
    `insert into audit_log (workspace_id, actor_type, actor, action, project_id, mode, approval_id, result, risk_level)
     values ($1, $2, $3, $4, $5, $6, $7, 'success', 'low')`,
    [
      fields.workspace ?? workspaceId,
      fields.actorType,
      fields.actor,
      fields.action,
      fields.projectId ?? null,
      fields.mode,
      fields.approvalId ?? null,
    ],
  );
}

async function project(title: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into projects (workspace_id, title, status) values ($1, $2, 'running') returning id`,
    [workspaceId, title],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const { rows } = await pool.query<{ workspace_id: string; user_id: string }>(
    `select w.id as workspace_id, u.id as user_id from workspaces w, users u where w.slug = 'default' and u.email = 'owner@localhost'`,
  );
  ({ workspace_id: workspaceId, user_id: ownerId } = rows[0]!);
  projectId = await project('Vendor onboarding');
  otherProjectId = await project('Budget rollup');

  // Two decisions through the API: they write their own audit entries.
  const service = actingIn(workspaceId, app.app.get(ApprovalsService));
  for (const [i, decision] of (['approve', 'reject'] as const).entries()) {
    await pool.query(`insert into project_steps (workspace_id, project_id, step_key, name) values ($1, $2, $3, $4)`, [
      workspaceId,
      projectId,
      `s${i}`,
      `Step ${i}`,
    ]);
    const approval = await service.request({
      workspaceId,
      projectId,
      stepKey: `s${i}`,
      agentName: 'vendor_manager',
      department: 'operations',
      action: 'send_email',
      riskLevel: 'high',
      preview: { summary: 'Email the vendor', details: {} },
    });
    approvalIds.push(approval.id);
    expect((await api(app.baseUrl, 'POST', `/api/approvals/${approval.id}/decision`, { decision })).status).toBe(200);
  }
  await entry({
    actorType: 'agent',
    actor: 'vendor_manager',
    action: 'email.send',
    mode: 'approved',
    projectId,
    approvalId: approvalIds[0],
  });
  await entry({
    actorType: 'agent',
    actor: 'budget_rollup',
    action: 'report.write',
    mode: 'automatic',
    projectId: otherProjectId,
  });
  await entry({
    actorType: 'agent',
    actor: 'budget_rollup',
    action: 'report.read',
    mode: 'automatic',
    projectId: otherProjectId,
  });
  // Another tenant's entry must never show up.
  const other = await pool.query<{ id: string }>(
    `insert into workspaces (slug, name) values ('other', 'Other') returning id`,
  );
  await entry({
    actorType: 'agent',
    actor: 'budget_rollup',
    action: 'report.write',
    mode: 'automatic',
    workspace: other.rows[0]!.id,
  });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const list = async (query: string): Promise<AuditEntry[]> => {
  const res = await api(app.baseUrl, 'GET', `/api/audit${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return AuditPageSchema.parse(res.body).entries;
};

describe('audit log', () => {
  it('should list the workspace entries newest first, including decisions', async () => {
    const entries = await list('');
    expect(entries.map((e) => e.action)).toEqual([
      'report.read',
      'report.write',
      'email.send',
      'approval.reject',
      'approval.approve',
    ]);
    expect(entries.at(-1)).toMatchObject({
      actorType: 'user',
      actor: ownerId,
      mode: 'manual',
      targetType: 'approval',
      targetId: approvalIds[0],
      approvalId: approvalIds[0],
      projectId,
      stepKey: 's0',
      riskLevel: 'high',
      result: 'success',
    });
  });

  it('should filter by project, actor, action (exact or prefix) and mode', async () => {
    expect((await list(`?projectId=${otherProjectId}`)).map((e) => e.action)).toEqual(['report.read', 'report.write']);
    expect((await list(`?actor=${ownerId}`)).map((e) => e.action)).toEqual(['approval.reject', 'approval.approve']);
    expect((await list('?action=approval.approve')).map((e) => e.targetId)).toEqual([approvalIds[0]]);
    expect((await list('?action=report.*')).map((e) => e.action)).toEqual(['report.read', 'report.write']);
    expect(await list('?action=report.%25')).toEqual([]);
    expect((await list('?mode=approved')).map((e) => e.action)).toEqual(['email.send']);
    expect((await list(`?projectId=${projectId}&mode=manual&actor=${ownerId}`)).map((e) => e.action)).toEqual([
      'approval.reject',
      'approval.approve',
    ]);
  });

  it('should page with a cursor without gaps or repeats', async () => {
    const all = await list('');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(app.baseUrl, 'GET', `/api/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.entries.map((e: AuditEntry) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('should reject invalid filters with 400 naming the field', async () => {
    const bad = await api(app.baseUrl, 'GET', '/api/audit?mode=sometimes');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('mode');
    expect((await api(app.baseUrl, 'GET', '/api/audit?projectId=nope')).body.error.issues[0].path).toBe('projectId');
    expect((await api(app.baseUrl, 'GET', '/api/audit?limit=500')).status).toBe(400);
    expect((await api(app.baseUrl, 'GET', '/api/audit?cursor=xyz')).status).toBe(400);
  });

  it('should stay append-only: updates and deletes are refused by the database', async () => {
    await expect(
      pool.query(`update audit_log set result = 'failure' where workspace_id = $1`, [workspaceId]),
    ).rejects.toThrow(/append-only/);
    await expect(pool.query(`delete from audit_log where workspace_id = $1`, [workspaceId])).rejects.toThrow(
      /append-only/,
    );
    expect(await list('')).toHaveLength(5);
  });
});
