import type { Approval, Message, ProjectDetail, ProjectStep } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function planFor(request: string): Promise<{ id: string; version: number }> {
  const conv = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const reply = (await api(app.baseUrl, 'POST', `/api/conversations/${conv}/messages`, { content: request })).body
    .reply as Message;
  return reply.metadata.project as { id: string; version: number };
}

const detail = async (id: string) => (await api(app.baseUrl, 'GET', `/api/projects/${id}`)).body as ProjectDetail;

/** Waits until the project leaves `running` (the run happens in the background job). */
async function settle(id: string, timeoutMs = 30_000): Promise<ProjectDetail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await detail(id);
    if (d.status !== 'running') return d;
    if (Date.now() > until) throw new Error(`project ${id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function pendingApprovals(projectId: string): Promise<Approval[]> {
  return (await api(app.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${projectId}`)).body
    .approvals as Approval[];
}

describe('execution', () => {
  it('should run an approved plan, pause for approvals and failures, and finish when people decide', async () => {
    const { id, version } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    const approved = await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version });
    expect(approved.status).toBe(200);
    let d = await settle(id);
    const seen = new Set<string>([d.status]);
    for (let round = 0; round < 60 && d.status !== 'completed'; round++) {
      if (d.status === 'paused_for_approval') {
        const pending = await pendingApprovals(id);
        expect(pending.length).toBeGreaterThan(0);
        expect(pending[0]!.preview.summary.length).toBeGreaterThan(0);
        for (const a of pending)
          expect(
            (await api(app.baseUrl, 'POST', `/api/approvals/${a.id}/decision`, { decision: 'approve' })).status,
          ).toBe(200);
      } else if (d.status === 'paused_on_error' || d.status === 'paused_for_agent_development') {
        const steps = (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
        const stuck = steps.find((s) => s.status === 'failed' || s.status === 'waiting_for_agent')!;
        expect(
          (
            await api(app.baseUrl, 'POST', `/api/projects/${id}/steps/${encodeURIComponent(stuck.stepKey)}/recover`, {
              action: 'skip',
            })
          ).status,
        ).toBe(200);
      } else {
        throw new Error(`unexpected status ${d.status}`);
      }
      d = await settle(id);
      seen.add(d.status);
    }
    expect(d.status).toBe('completed');
    expect(seen.has('paused_for_approval')).toBe(true);
    // Replaying a gate on resume never raises a second approval.
    expect(await pendingApprovals(id)).toEqual([]);
    const steps = (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
    expect(steps.every((s) => s.status === 'completed' || s.status === 'skipped')).toBe(true);
    const done = steps.find((s) => s.status === 'completed' && s.resultPreview)!;
    const full = await fetch(`${app.baseUrl}/api/projects/${id}/steps/${encodeURIComponent(done.stepKey)}/result`);
    expect(full.status).toBe(200);
    expect((await full.text()).startsWith(done.resultPreview!.slice(0, 50))).toBe(true);
    const audit = (await api(app.baseUrl, 'GET', `/api/audit?projectId=${id}`)).body.entries as Array<{
      action: string;
      mode: string;
    }>;
    expect(audit.some((e) => e.action === 'step.execute' && e.mode === 'approved')).toBe(true);
    const checkpoints = (await api(app.baseUrl, 'GET', `/api/projects/${id}/checkpoints`)).body.checkpoints as Array<{
      completedSteps: string[];
    }>;
    expect(checkpoints.length).toBeGreaterThan(3);
  });

  it('should pause with a clear reason when an approval is rejected, and abort on request', async () => {
    const { id, version } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version });
    const d = await settle(id);
    expect(d.status).toBe('paused_for_approval');
    const [first] = await pendingApprovals(id);
    expect(
      (
        await api(app.baseUrl, 'POST', `/api/approvals/${first!.id}/decision`, {
          decision: 'reject',
          notes: 'not this quarter',
        })
      ).status,
    ).toBe(200);
    await settle(id);
    // Other approvals may still be open; the rejection itself becomes a decision for a person.
    const errors = (await api(app.baseUrl, 'GET', `/api/projects/${id}/errors`)).body.errors as Array<{
      category: string;
      message: string;
    }>;
    expect(errors.some((e) => e.category === 'permission' && /not this quarter/.test(e.message))).toBe(true);
    const resumeWhilePaused = await api(app.baseUrl, 'POST', `/api/projects/${id}/resume`, {});
    expect(resumeWhilePaused.status).toBe(409);
    const aborted = await api(app.baseUrl, 'POST', `/api/projects/${id}/abort`, { reason: 'rejected scope' });
    expect(aborted.status).toBe(200);
    expect(aborted.body.status).toBe('aborted');
    expect((await pendingApprovals(id)).length).toBe(0);
    expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/pause`, {})).status).toBe(409);
  });
});
