import type { DelegationInfo, Message, ProjectDetail } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function say(conversationId: string, content: string): Promise<Message> {
  const res = await api(app.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, { content });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.reply as Message;
}

async function conversation(): Promise<string> {
  return (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
}

const steps = (detail: ProjectDetail) =>
  detail.plan!.plan.steps.flatMap((s) => (s.type === 'subproject' ? (s.steps ?? []) : [s]));

describe('delegation', () => {
  it('should delegate an ROI question to the ROI calculator and return correct figures', async () => {
    const reply = await say(
      await conversation(),
      'Calculate the ROI of a 120k tool that saves 8k a month over 3 years',
    );
    expect(reply.metadata.intent).toBe('DELEGATE');
    const delegation = reply.metadata.delegation as DelegationInfo;
    expect(delegation).toMatchObject({ agent: 'roi_calculator', kind: 'function', rating: null });
    expect(delegation.candidates[0]!.agent).toBe('roi_calculator');
    expect(reply.agentName).toBe('roi_calculator');
    expect(reply.content).toMatch(/140(\.0)?\s?%/);
    expect(reply.content).toMatch(/15 months/);
  });

  it('should merge a follow-up into the last ROI inputs across turns stored in Postgres', async () => {
    const id = await conversation();
    expect((await say(id, 'What is the ROI of a 50k tool that saves 3k a month over 2 years?')).content).toContain(
      'ROI 44.0 %',
    );
    const redo = await say(id, 'Redo it with a running cost of 500 per month');
    expect(redo.metadata.delegation).toMatchObject({ agent: 'roi_calculator', kind: 'function' });
    expect(redo.metadata).toMatchObject({ offline: true });
    expect(redo.content).toContain('ROI 20.0 %');
    // (3,000 − 500) × 36 − 50,000 → 80 %: the second change builds on the first.
    expect((await say(id, 'and over 3 years?')).content).toContain('ROI 80.0 %');
  });

  it('should record the rating of a delegation and validate it', async () => {
    const reply = await say(
      await conversation(),
      'Calculate the ROI of a 50k upgrade that saves 2k a month over 2 years',
    );
    const { id } = reply.metadata.delegation as DelegationInfo;
    const rated = await api(app.baseUrl, 'POST', `/api/delegations/${id}/rating`, { rating: 4 });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ id, rating: 4, agent: 'roi_calculator', kind: 'function' });
    expect((await api(app.baseUrl, 'POST', `/api/delegations/${id}/rating`, { rating: 6 })).status).toBe(400);
    expect(
      (await api(app.baseUrl, 'POST', '/api/delegations/00000000-0000-4000-8000-000000000000/rating', { rating: 3 }))
        .status,
    ).toBe(404);
  });

  it('should mark a context agent answer as an offline draft without an LLM', async () => {
    const reply = await say(
      await conversation(),
      'Write a blog post announcing our new analytics dashboard for customers',
    );
    expect(reply.metadata).toMatchObject({ intent: 'DELEGATE', offlineDraft: true });
    expect((reply.metadata.delegation as DelegationInfo).kind).toBe('offline_draft');
    expect(reply.metadata).toMatchObject({ offline: true });
    expect(reply.content).toMatch(/Offline draft/);
  });
});

describe('planning', () => {
  it('should plan, refine twice and approve the Germany launch', async () => {
    const conv = await conversation();
    const first = await say(conv, 'Plan the launch of our product in Germany next quarter');
    expect(first.metadata.intent).toBe('CREATE_PROJECT');
    const ref = first.metadata.project as { id: string; version: number };
    expect(ref.version).toBe(1);
    let detail = (await api(app.baseUrl, 'GET', `/api/projects/${ref.id}`)).body as ProjectDetail;
    expect(detail.status).toBe('awaiting_plan_approval');
    expect(detail.plan!.plan.criticalPath.display.unit).toBe('weeks');
    expect(detail.plan!.plan.steps.some((s) => s.type === 'subproject')).toBe(true);
    expect(steps(detail).some((s) => s.type === 'build_agent')).toBe(true);
    expect(steps(detail).some((s) => s.collaboration !== null && s.assignedHuman === null)).toBe(true);

    // Several reviews wait for a reviewer: asked which, nothing changed.
    const asked = await say(conv, 'assign the review to Sarah');
    expect(asked.metadata.project).toBeUndefined();
    expect(asked.content).toMatch(/Which one do you mean\?[^]*- Press release/);
    const second = await say(conv, 'assign the press release review to Sarah');
    expect((second.metadata.project as { version: number }).version).toBe(2);
    const third = await say(conv, 'drop the social media step');
    expect((third.metadata.project as { version: number }).version).toBe(3);
    detail = (await api(app.baseUrl, 'GET', `/api/projects/${ref.id}`)).body as ProjectDetail;
    expect(detail.currentPlanVersion).toBe(3);
    expect(detail.diff!.removed.length).toBeGreaterThan(0);
    expect(steps(detail).some((s) => s.assignedHuman === 'Sarah')).toBe(true);
    const versions = (await api(app.baseUrl, 'GET', `/api/projects/${ref.id}/plan-versions`)).body.versions as Array<{
      version: number;
    }>;
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);

    const stale = await api(app.baseUrl, 'POST', `/api/projects/${ref.id}/approve`, { version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('plan/stale_version');
    const approved = await api(app.baseUrl, 'POST', `/api/projects/${ref.id}/approve`, { version: 3 });
    expect(approved.status).toBe(200);
    expect(approved.body.approvedAt).toEqual(expect.any(String));
    const again = await api(app.baseUrl, 'POST', `/api/projects/${ref.id}/approve`, { version: 3 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('project/invalid_transition');
    // Approval starts the run (Plan → Approve → Act); the answer shows the plan it approved.
    expect(approved.body).toMatchObject({ status: 'running', currentPlanVersion: 3, plan: { version: 3 } });
    expect(approved.body.diff.removed.length).toBeGreaterThan(0);
    const list = await api(app.baseUrl, 'GET', '/api/projects');
    expect(list.body.projects.map((p: { id: string }) => p.id)).toContain(ref.id);
  });

  it('should let exactly one of many concurrent approvals win', async () => {
    const reply = await say(await conversation(), 'Plan the hiring of a senior data engineer over the next two months');
    const { id, version } = reply.metadata.project as { id: string; version: number };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    // The one that won approved, audited and started the project, once.
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ audits: number; starts: number }>(
        `select (select count(*)::int from audit_log where project_id = $1 and action = 'plan.approve') as audits,
                (select count(*)::int from project_status_transitions where project_id = $1 and from_status = 'awaiting_plan_approval'
                    and to_status = 'running' and reason = 'Plan approved' and actor_type = 'user') as starts`,
        [id],
      );
      expect(rows[0]).toEqual({ audits: 1, starts: 1 });
    } finally {
      await sql.end();
    }
  });

  it('should reject bad approval input and unknown projects', async () => {
    expect(
      (await api(app.baseUrl, 'POST', '/api/projects/00000000-0000-4000-8000-000000000000/approve', { version: 1 }))
        .status,
    ).toBe(404);
    expect((await api(app.baseUrl, 'GET', '/api/projects/nope')).status).toBe(404);
    expect((await api(app.baseUrl, 'GET', '/api/projects?status=bogus')).status).toBe(400);
  });
});

describe('building agents', () => {
  it('should recognise a request for a new agent as BUILD_AGENT with a capability gap', async () => {
    const reply = await say(await conversation(), 'we need an agent that reviews vendor contracts');
    expect(reply.metadata).toMatchObject({ intent: 'BUILD_AGENT', capabilityGap: true });
    // The build itself is covered by agent-builds.e2e.test.ts.
    expect(reply.content).toMatch(/I'm building a new agent for this: .*legal/i);
    expect(reply.metadata.agentBuildId).toEqual(expect.any(String));
  });
});
