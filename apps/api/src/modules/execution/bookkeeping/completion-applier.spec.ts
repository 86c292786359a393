import type { ProjectStep } from '@orchestrator/contracts';
import type { RunContext, StepResultInput } from '@orchestrator/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimePublisher } from '../../../realtime/realtime.publisher.js';
import { openSpecDatabase, type SpecDatabase } from '../../../testing/spec-database.js';
import { CompletionApplier } from './completion-applier.js';
import { completionRow } from '../execution.rows.js';

let spec: SpecDatabase;
let pool: pg.Pool;
let workspaceId: string;

beforeAll(async () => {
  spec = await openSpecDatabase(6);
  pool = spec.pool;
  workspaceId = (
    await pool.query<{ id: string }>(
      `insert into workspaces (slug, name) values ('applier-spec', 'Applier spec') returning id`,
    )
  ).rows[0]!.id;
});
afterAll(async () => {
  await spec?.close();
});

const result = (content: string): StepResultInput => ({
  content,
  contentType: 'text/markdown',
  agent: 'blog_post_writer',
  work: 'function',
  approvalId: null,
  contextVersion: 3,
});

/** A project with `steps` pending steps, and completions saved for them as a checkpoint would (not applied yet). */
async function projectWithSavedCompletions(
  steps: string[],
  saved: Array<[step: string, content: string, key: string]>,
): Promise<RunContext> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into projects (workspace_id, title, status) values ($1, 'Applier', 'running') returning id`,
    [workspaceId],
  );
  const ctx = { workspaceId, projectId: rows[0]!.id };
  for (const [position, key] of steps.entries()) {
    await pool.query(
      `insert into project_steps (workspace_id, project_id, step_key, position, name, step_type) values ($1, $2, $3, $4, $5, 'standard')`,
      [workspaceId, ctx.projectId, key, position, `Step ${key}`],
    );
  }
  for (const [step, content, key] of saved) {
    const row = completionRow(
      ctx,
      step,
      result(content),
      `${ctx.projectId}:${key}`,
      { content, contentType: 'text/markdown', work: 'function', truncated: false },
      null,
      content.length,
      { at: new Date(Date.now() - 1000), attempt: 1, agent: null },
    );
    // Applied well after it was saved (as after a crash): the step keeps the time it finished.
    row.completed_at = new Date(Date.now() - 600).toISOString();
    await pool.query(`insert into step_completions (workspace_id, project_id, completion) values ($1, $2, $3)`, [
      workspaceId,
      ctx.projectId,
      JSON.stringify(row),
    ]);
  }
  return ctx;
}

const audits = async (ctx: RunContext) =>
  (
    await pool.query<{ step_key: string }>(
      `select step_key from audit_log where project_id = $1 and action = 'step.execute' order by step_key`,
      [ctx.projectId],
    )
  ).rows.map((r) => r.step_key);

function applier() {
  const events: Array<{ projectId: string; step: ProjectStep }> = [];
  const publisher = {
    stepUpdated: (_w: string, projectId: string, step: ProjectStep) => events.push({ projectId, step }),
  } as unknown as RealtimePublisher;
  return { applier: new CompletionApplier(pool, publisher), events };
}

describe('CompletionApplier', () => {
  it('applies saved completions to the step rows and the audit log exactly once, even with two appliers at once', async () => {
    const ctx = await projectWithSavedCompletions(
      ['a', 'b', 'c'],
      [
        ['a', 'part a', 'a'],
        ['b', 'part b', 'b'],
        ['c', 'part c', 'c'],
      ],
    );
    const one = applier();
    const two = applier();
    await Promise.all([one.applier.flush(), two.applier.flush(), one.applier.flush(ctx.projectId)]);
    const { rows } = await pool.query<{
      step_key: string;
      status: string;
      attempt: number;
      context_version: number;
      started_at: Date | null;
      completed_at: Date;
    }>(
      'select step_key, status, attempt, context_version, started_at, completed_at from project_steps where project_id = $1 order by position',
      [ctx.projectId],
    );
    expect(rows.map((r) => [r.step_key, r.status, r.attempt, r.context_version])).toEqual([
      ['a', 'completed', 1, 3],
      ['b', 'completed', 1, 3],
      ['c', 'completed', 1, 3],
    ]);
    // The step's times are when it ran, not when its completion was applied.
    expect(
      rows.every(
        (r) => r.started_at !== null && r.started_at < r.completed_at && Date.now() - r.completed_at.getTime() >= 600,
      ),
    ).toBe(true);
    expect(await audits(ctx)).toEqual(['a', 'b', 'c']);
    expect(
      [...one.events, ...two.events]
        .filter((e) => e.projectId === ctx.projectId)
        .map((e) => `${e.step.stepKey}:${e.step.status}`)
        .sort(),
    ).toEqual(['a:completed', 'b:completed', 'c:completed']);
    expect((await pool.query('select 1 from step_completions where project_id = $1', [ctx.projectId])).rowCount).toBe(
      0,
    );
  });

  it('applies two completions of one step in the order they were saved', async () => {
    const ctx = await projectWithSavedCompletions(
      ['a'],
      [
        ['a', 'first', 'a1'],
        ['a', 'second', 'a2'],
      ],
    );
    const { applier: a } = applier();
    await a.flush(ctx.projectId);
    const { rows } = await pool.query<{ result: { content: string }; idempotency_key: string }>(
      'select result, idempotency_key from project_steps where project_id = $1',
      [ctx.projectId],
    );
    expect(rows[0]).toMatchObject({ result: { content: 'second' }, idempotency_key: `${ctx.projectId}:a2` });
    expect(await audits(ctx)).toEqual(['a', 'a']);
  });

  it('applies a completion saved again under the same key only once', async () => {
    const ctx = await projectWithSavedCompletions(
      ['a'],
      [
        ['a', 'once', 'a'],
        ['a', 'once', 'a'],
      ],
    );
    const { applier: a } = applier();
    await a.flush(ctx.projectId);
    expect(await audits(ctx)).toEqual(['a']);
  });

  it('applies what was saved shortly after being told, without a flush', async () => {
    await projectWithSavedCompletions(['a'], [['a', 'later', 'a']]);
    const { applier: a, events } = applier();
    a.saved();
    a.saved();
    const until = Date.now() + 5_000;
    while (events.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.step.stepKey)).toEqual(['a']);
    await a.close();
  });
});
