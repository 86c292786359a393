import type { ProjectStep } from '@orchestrator/contracts';
import type { ExecStep, RunContext, StepResultInput } from '@orchestrator/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import type { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { openSpecDatabase, type SpecDatabase } from '../../testing/spec-database.js';
import { ExecutionRepository, RUNNING_WRITE_DELAY_MS } from './execution.repository.js';
import { completionRow } from './execution.rows.js';

let spec: SpecDatabase;
let pool: pg.Pool;
let workspaceId: string;

beforeAll(async () => {
  spec = await openSpecDatabase();
  pool = spec.pool;
  workspaceId = (
    await pool.query<{ id: string }>(
      `insert into workspaces (slug, name) values ('execution-spec', 'Execution spec') returning id`,
    )
  ).rows[0]!.id;
});
afterAll(async () => {
  await spec?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const step = (key: string, dependsOn: string[] = []): ExecStep => ({
  key,
  parentKey: null,
  dependsOn,
  step: {
    id: key,
    name: `Step ${key}`,
    description: '',
    type: 'standard',
    department: 'marketing',
    dependsOn,
    assignedAgent: 'blog_post_writer',
    assignedHuman: null,
    collaboration: null,
    capability: null,
    riskLevel: 'low',
    estimatedDuration: { value: 1, unit: 'hours' },
  },
});

const result = (content: string): StepResultInput => ({
  content,
  contentType: 'text/markdown',
  agent: 'blog_post_writer',
  work: 'function',
  approvalId: null,
  contextVersion: null,
});

/** A repository over a pool that records the text of every statement it sends, and the step events it publishes. */
async function setup() {
  const sent: string[] = [];
  const counted = new Proxy(pool, {
    get(target, key) {
      if (key === 'query')
        return (query: string | { text: string }, values?: unknown[]) => {
          sent.push(typeof query === 'string' ? query : query.text);
          return target.query(query as string, values);
        };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const events: ProjectStep[] = [];
  const publisher = {
    stepUpdated: (_w: string, _p: string, s: ProjectStep) => events.push(s),
  } as unknown as RealtimePublisher;
  const config = loadConfig({ DATABASE_URL: spec.db.url });
  const repo = new ExecutionRepository(counted, config, publisher, { maxSteps: 50, maxLoops: 3 });
  const { rows } = await pool.query<{ id: string }>(
    `insert into projects (workspace_id, title, status) values ($1, 'Spec', 'running') returning id`,
    [workspaceId],
  );
  const ctx: RunContext = { workspaceId, projectId: rows[0]!.id };
  await repo.initSteps(ctx, [step('a'), step('b', ['a']), step('c', ['b'])]);
  const row = async (key: string) =>
    (
      await pool.query<{ status: string; started_at: Date | null; attempt: number }>(
        'select status, started_at, attempt from project_steps where project_id = $1 and step_key = $2',
        [ctx.projectId, key],
      )
    ).rows[0]!;
  return { repo, ctx, sent, events, row };
}

describe('ExecutionRepository', () => {
  it("writes a quick step's start with its completion instead of on its own", async () => {
    const { repo, ctx, sent, events, row } = await setup();
    sent.length = 0;
    const before = new Date();
    await repo.setStepStatus(ctx, 'a', 'running', { attempt: 1, agent: 'blog_post_writer' });
    await repo.saveResult(ctx, 'a', result('done'), `${ctx.projectId}:a`);
    await sleep(RUNNING_WRITE_DELAY_MS * 2);
    expect(sent.filter((q) => q.includes('update project_steps set status = $4'))).toHaveLength(0);
    const a = await row('a');
    expect(a.status).toBe('completed');
    expect(a.attempt).toBe(1);
    expect(a.started_at!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 5);
    expect(events.map((e) => e.status)).toEqual(['completed']);
    expect(events[0]!.startedAt).not.toBeNull();
  });

  it('shows a step that keeps running as running once the delay has passed, then completes it', async () => {
    const { repo, ctx, events, row } = await setup();
    await repo.setStepStatus(ctx, 'a', 'running', { attempt: 1, agent: 'blog_post_writer' });
    expect((await row('a')).status).toBe('pending');
    await sleep(RUNNING_WRITE_DELAY_MS * 3);
    expect((await row('a')).status).toBe('running');
    expect(events.map((e) => e.status)).toEqual(['running']);
    await repo.saveResult(ctx, 'a', result('done'), `${ctx.projectId}:a`);
    expect(events.map((e) => e.status)).toEqual(['running', 'completed']);
  });

  it('carries an unwritten start into a failure', async () => {
    const { repo, ctx, row } = await setup();
    await repo.setStepStatus(ctx, 'a', 'running', { attempt: 2, agent: 'blog_post_writer' });
    await repo.setStepStatus(ctx, 'a', 'failed');
    const a = await row('a');
    expect(a).toMatchObject({ status: 'failed', attempt: 2 });
    expect(a.started_at).not.toBeNull();
  });

  it("reads the project once per run and keeps it current with the run's own writes", async () => {
    const { repo, ctx, sent } = await setup();
    sent.length = 0;
    repo.beginRun(ctx);
    expect(await repo.finishedOutcome(ctx, 'a')).toBeUndefined();
    await repo.setStepStatus(ctx, 'a', 'running', { attempt: 1 });
    expect(await repo.runLimits(ctx, 'b')).toEqual({ maxSteps: 50, maxLoops: 3, stepsStarted: 1 });
    expect(await repo.runLimits(ctx, 'a')).toMatchObject({ stepsStarted: 0 });
    await repo.saveResult(ctx, 'a', result('part a'), `${ctx.projectId}:a`);
    expect(await repo.finishedOutcome(ctx, 'a')).toMatchObject({
      status: 'completed',
      resultRef: `${ctx.projectId}:a`,
      preview: 'part a',
    });
    expect(await repo.loadPolicy(ctx)).toEqual({ autonomy: expect.any(Object), defaultAutonomy: 'semi_autonomous' });
    expect(await repo.priorResults(ctx, ['a'])).toEqual([{ title: 'Step a', markdown: 'part a' }]);
    // One read of the run's state (no completions were waiting to be applied); the completion
    // went through its own transaction (not counted here).
    expect(sent.filter((q) => q.startsWith('select p.status'))).toHaveLength(1);
    expect(sent.filter((q) => q.startsWith('with locked'))).toHaveLength(0);
    repo.endRun(ctx);
  });

  it('should apply completions saved with checkpoints before a run reads its steps when some wait', async () => {
    const { repo, ctx, sent } = await setup();
    const saved = completionRow(ctx, 'a', result('saved a'), `${ctx.projectId}:a`, { content: 'saved a' }, null, 7);
    await pool.query(`insert into step_completions (workspace_id, project_id, completion) values ($1, $2, $3)`, [
      workspaceId,
      ctx.projectId,
      JSON.stringify(saved),
    ]);
    sent.length = 0;
    repo.beginRun(ctx);
    expect(await repo.runStatus(ctx)).toBe('running');
    expect(await repo.finishedOutcome(ctx, 'a')).toMatchObject({ status: 'completed', preview: 'saved a' });
    // Read, applied, read again.
    expect(sent.map((q) => q.slice(0, 13))).toEqual(['select p.stat', 'with locked a', 'select p.stat']);
    repo.endRun(ctx);
  });

  it('should tell that a project is gone when its run opens', async () => {
    const { repo } = await setup();
    const ctx = { workspaceId, projectId: '00000000-0000-4000-8000-000000000000' };
    repo.beginRun(ctx);
    expect(await repo.runStatus(ctx)).toBeUndefined();
    repo.endRun(ctx);
  });

  it('reads results completed before the run from Postgres, in plan order', async () => {
    const { repo, ctx } = await setup();
    await repo.saveResult(ctx, 'a', result('part a'), `${ctx.projectId}:a`);
    await repo.saveResult(ctx, 'b', result('part b'), `${ctx.projectId}:b`);
    repo.beginRun(ctx);
    expect(await repo.priorResults(ctx, ['b', 'a', 'c'])).toEqual([
      { title: 'Step a', markdown: 'part a' },
      { title: 'Step b', markdown: 'part b' },
    ]);
    repo.endRun(ctx);
  });

  it('sees changes made between runs, and outside a run reads afresh every time', async () => {
    const { repo, ctx } = await setup();
    repo.beginRun(ctx);
    expect(await repo.finishedOutcome(ctx, 'a')).toBeUndefined();
    repo.endRun(ctx);
    await pool.query(`update project_steps set status = 'skipped' where project_id = $1 and step_key = 'a'`, [
      ctx.projectId,
    ]);
    expect(await repo.finishedOutcome(ctx, 'a')).toMatchObject({ status: 'skipped' });
    await pool.query(`update project_steps set status = 'pending' where project_id = $1 and step_key = 'a'`, [
      ctx.projectId,
    ]);
    expect(await repo.finishedOutcome(ctx, 'a')).toBeUndefined();
    await pool.query(`update projects set metadata = '{"limits": {"maxSteps": 7}}' where id = $1`, [ctx.projectId]);
    repo.beginRun(ctx);
    expect(await repo.runLimits(ctx, 'a')).toMatchObject({ maxSteps: 7, maxLoops: 3 });
    repo.endRun(ctx);
  });
});
