import type { Approval, CheckpointInfo, Message, ProjectDetail, ProjectStep } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

// Rollback and fork through the HTTP API, against a real run (docs/api.md, time travel).

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const REQUEST = 'Plan the hiring of a senior data engineer over the next two months';
const FIRST = 'hr/role_definition';

const get = async <T>(path: string) => (await api(app.baseUrl, 'GET', path)).body as T;
const detail = (id: string) => get<ProjectDetail>(`/api/projects/${id}`);
const steps = async (id: string) => (await get<{ steps: ProjectStep[] }>(`/api/projects/${id}/steps`)).steps;
const checkpoints = async (id: string) =>
  (await get<{ checkpoints: CheckpointInfo[] }>(`/api/projects/${id}/checkpoints`)).checkpoints;
const pending = async (id: string) =>
  (await get<{ approvals: Approval[] }>(`/api/approvals?status=pending&projectId=${id}`)).approvals;
const travel = (id: string, checkpointId: string, mode: 'rollback' | 'fork') =>
  api(app.baseUrl, 'POST', `/api/projects/${id}/rollback`, { checkpointId, mode });
const completed = (list: ProjectStep[]) =>
  list
    .filter((s) => s.status === 'completed')
    .map((s) => s.stepKey)
    .sort();

async function approvedProject(): Promise<string> {
  const conv = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const reply = (await api(app.baseUrl, 'POST', `/api/conversations/${conv}/messages`, { content: REQUEST })).body
    .reply as Message;
  const { id, version } = reply.metadata.project as { id: string; version: number };
  expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version })).status).toBe(200);
  return id;
}

/** Waits until the project leaves `running` (the run happens in the background job). */
async function settle(id: string): Promise<ProjectDetail> {
  const until = Date.now() + 30_000;
  for (;;) {
    const d = await detail(id);
    if (d.status !== 'running') return d;
    if (Date.now() > until) throw new Error(`project ${id} still running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Decides what the run waits for (`decide` per approval, skip on a failure) until `done` holds
 * for a settled project.
 */
async function drive(
  id: string,
  done: (d: ProjectDetail) => Promise<boolean> | boolean,
  decide: (a: Approval) => { decision: 'approve' | 'reject'; notes?: string } = () => ({ decision: 'approve' }),
): Promise<ProjectDetail> {
  let d = await settle(id);
  for (let round = 0; !(await done(d)); round++) {
    if (round > 60) throw new Error(`project ${id} never got there (${d.status})`);
    if (d.status === 'paused_for_approval') {
      for (const a of await pending(id))
        expect((await api(app.baseUrl, 'POST', `/api/approvals/${a.id}/decision`, decide(a))).status).toBe(200);
    } else if (d.status === 'paused_on_error') {
      const stuck = (await steps(id)).find((s) => s.status === 'failed')!;
      const path = `/api/projects/${id}/steps/${encodeURIComponent(stuck.stepKey)}/recover`;
      expect((await api(app.baseUrl, 'POST', path, { action: 'skip' })).status).toBe(200);
    } else {
      throw new Error(`unexpected status ${d.status}`);
    }
    d = await settle(id);
  }
  return d;
}

const approvalCount = async (id: string) =>
  (await pool.query('select id from pending_approvals where project_id = $1', [id])).rowCount ?? 0;

/** Everything a rollback or fork may change, across all projects. */
async function snapshot(id: string) {
  const one = async (sql: string) => (await pool.query(sql, [id])).rows;
  const count = async (table: string) => Number((await pool.query(`select count(*) from ${table}`)).rows[0].count);
  return {
    project: await one('select status, status_reason, version from projects where id = $1'),
    steps: await one(
      'select step_key, status, result, result_ref, idempotency_key from project_steps where project_id = $1 order by step_key',
    ),
    errors: await one(
      'select id, recovery_action, resolved_at from project_errors where project_id = $1 order by created_at',
    ),
    projects: await count('projects'),
    transitions: await count('project_status_transitions'),
    audit: await count('audit_log'),
    stepRows: await count('project_steps'),
    checkpoints: await count('checkpoints.checkpoints'),
    values: await count('checkpoints.blobs'),
  };
}

describe('rollback', () => {
  it('should take a paused project back to a checkpoint and run the later steps again once resumed', async () => {
    const id = await approvedProject();
    const paused = await drive(id, async (d) => d.status !== 'running' && completed(await steps(id)).length >= 3);
    expect(paused.status).toBe('paused_for_approval');
    const before = await checkpoints(id);
    const target = before.find((c) => c.completedSteps.join() === FIRST)!;
    expect(target).toBeDefined();
    // The timeline reads in plain words, and what runs next is named by step key.
    expect(before.at(-1)!.events).toEqual(['Plan approved — run started']);
    expect(before.flatMap((c) => c.events)).toContainEqual(expect.stringMatching(/^“.+” completed by /));
    expect(before[0]!.events).toContainEqual(expect.stringMatching(/^Paused for approval of “/));
    const keys = new Set((await steps(id)).map((s) => s.stepKey));
    expect(before.flatMap((c) => c.next).every((k) => keys.has(k))).toBe(true);

    const rolled = await travel(id, target.checkpointId, 'rollback');
    expect(rolled.status, JSON.stringify(rolled.body)).toBe(200);
    expect(rolled.body).toMatchObject({ id, status: 'paused_by_user' });
    const after = await checkpoints(id);
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ parentCheckpointId: target.checkpointId, completedSteps: [FIRST] });
    expect(after[0]!.events).toEqual(['Rolled back to this point — 1 step kept as finished, the others run again']);
    const reset = await steps(id);
    expect(completed(reset)).toEqual([FIRST]);
    expect(
      reset.filter((s) => s.stepKey !== FIRST).every((s) => s.status === 'pending' && s.resultPreview === null),
    ).toBe(true);
    const audit = await get<{ entries: Array<{ action: string; actor: string }> }>(
      `/api/audit?projectId=${id}&action=project.rollback`,
    );
    expect(audit.entries).toHaveLength(1);

    // A checkpoint from before the rollback whose later results the rollback discarded stays as history only.
    const discarded = before.find((c) => c.completedSteps.length >= 3)!;
    const unchanged = await snapshot(id);
    for (const mode of ['rollback', 'fork'] as const) {
      const refused = await travel(id, discarded.checkpointId, mode);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(
        /can no longer be restored: an earlier rollback discarded the results of/,
      );
    }
    expect(await snapshot(id)).toEqual(unchanged);

    // Resumed, the steps after the checkpoint run again, each asking for approval again.
    const asked = await approvalCount(id);
    expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/resume`, {})).status).toBe(200);
    const end = await drive(id, (d) => d.status === 'completed');
    expect(end.status).toBe('completed');
    const final = await steps(id);
    expect(final.every((s) => s.status === 'completed' || s.status === 'skipped')).toBe(true);
    expect(await approvalCount(id)).toBeGreaterThan(asked);
  });

  it('should refuse a project that is not paused and a checkpoint the project does not have, changing nothing', async () => {
    const id = await approvedProject();
    await drive(id, async () => completed(await steps(id)).length >= 1);
    const [head] = await checkpoints(id);
    const before = await snapshot(id);
    const unknown = await travel(id, 'not-a-checkpoint', 'rollback');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('request/not_found');
    expect((await travel(id, 'not-a-checkpoint', 'fork')).status).toBe(404);
    expect(await snapshot(id)).toEqual(before);
    expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/abort`, {})).status).toBe(200);
    const ended = await travel(id, head!.checkpointId, 'rollback');
    expect(ended.status).toBe(409);
    expect(ended.body.error.message).toMatch(/^Pause ".+" before rolling it back \(it is aborted\)\.$/);
  });
});

describe('fork', () => {
  it('should start a new project from the checkpoint and leave the source as it was', async () => {
    const source = await approvedProject();
    await drive(source, async (d) => d.status !== 'running' && completed(await steps(source)).length >= 3);
    const sourceBefore = await detail(source);
    const history = await checkpoints(source);
    const target = history.find((c) => c.completedSteps.join() === FIRST)!;
    const firstResult = (await steps(source)).find((s) => s.stepKey === FIRST)!.resultPreview;

    const forked = await travel(source, target.checkpointId, 'fork');
    expect(forked.status).toBe(200);
    const fork = forked.body as ProjectDetail;
    expect(fork.id).not.toBe(source);
    expect(fork).toMatchObject({ title: `${sourceBefore.title} (fork)`, status: 'paused_by_user' });
    expect(fork.plan?.plan).toEqual(sourceBefore.plan?.plan);
    // The source is untouched: same status, same history.
    expect((await detail(source)).status).toBe(sourceBefore.status);
    expect(await checkpoints(source)).toEqual(history);
    // The fork has the steps finished at the checkpoint, with their results, and one checkpoint.
    const forkSteps = await steps(fork.id);
    expect(completed(forkSteps)).toEqual([FIRST]);
    expect(forkSteps.find((s) => s.stepKey === FIRST)!.resultPreview).toBe(firstResult);
    expect(forkSteps.filter((s) => s.stepKey !== FIRST).every((s) => s.status === 'pending')).toBe(true);
    expect(await checkpoints(fork.id)).toEqual([
      expect.objectContaining({ parentCheckpointId: null, completedSteps: [FIRST] }),
    ]);
    for (const project of [source, fork.id]) {
      const audit = await get<{ entries: Array<{ targetId: string }> }>(
        `/api/audit?projectId=${project}&action=project.fork`,
      );
      expect(audit.entries.map((e) => e.targetId)).toEqual([fork.id]);
    }
    const listed = await get<{ projects: Array<{ id: string }> }>('/api/projects?limit=100');
    expect(listed.projects.map((p) => p.id)).toContain(fork.id);

    // The fork runs on its own to the end; the source still waits where it was.
    expect((await api(app.baseUrl, 'POST', `/api/projects/${fork.id}/resume`, {})).status).toBe(200);
    expect((await drive(fork.id, (d) => d.status === 'completed')).status).toBe('completed');
    expect((await detail(source)).status).toBe(sourceBefore.status);
    expect(await checkpoints(source)).toEqual(history);
  });
});

describe('atomicity', () => {
  it('should apply nothing of a rollback or a fork when a write fails mid-way, and all of it once it succeeds', async () => {
    const id = await approvedProject();
    // The second decision is a rejection: the project ends up paused on that failure, with an open error.
    let decisions = 0;
    const stuck = await drive(
      id,
      (d) => d.status === 'paused_on_error',
      () => (++decisions === 2 ? { decision: 'reject', notes: 'not like this' } : { decision: 'approve' }),
    );
    expect(stuck.status).toBe('paused_on_error');
    const target = (await checkpoints(id)).find((c) => c.completedSteps.join() === FIRST)!;
    const before = await snapshot(id);
    expect(before.errors.some((e: { resolved_at: Date | null }) => e.resolved_at === null)).toBe(true);

    // The audit entry is the last write of both: a failure there must undo the checkpoint, the
    // step rows, the error resolution, the status and (for a fork) the new project.
    await pool.query(`create function refuse_time_travel() returns trigger language plpgsql as $$
      begin
        if new.action in ('project.rollback', 'project.fork') then raise exception 'audit log unavailable'; end if;
        return new;
      end $$;
      create trigger refuse_time_travel before insert on audit_log for each row execute function refuse_time_travel();`);
    try {
      for (const mode of ['rollback', 'fork'] as const) {
        const failed = await travel(id, target.checkpointId, mode);
        expect(failed.status).toBe(500);
        expect(JSON.stringify(failed.body)).not.toMatch(/audit log unavailable|insert into/i);
        expect(await snapshot(id)).toEqual(before);
      }
    } finally {
      await pool.query('drop trigger refuse_time_travel on audit_log; drop function refuse_time_travel();');
    }

    const rolled = await travel(id, target.checkpointId, 'rollback');
    expect(rolled.status, JSON.stringify(rolled.body)).toBe(200);
    const after = await snapshot(id);
    expect(after.project[0].status).toBe('paused_by_user');
    expect(after.errors.every((e: { resolved_at: Date | null }) => e.resolved_at !== null)).toBe(true);
    expect(after.errors.at(-1).recovery_action).toBe('rollback');
    expect(after.checkpoints).toBe(before.checkpoints + 1);
    expect(after.audit).toBe(before.audit + 1);
    // The person can go on from there: the rejected step asks again.
    expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/resume`, {})).status).toBe(200);
    expect((await drive(id, (d) => d.status === 'completed')).status).toBe('completed');
  });
});
