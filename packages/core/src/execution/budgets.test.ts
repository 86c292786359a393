import type { Plan } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedTurn } from '../llm/scripted.js';
import { testEngine, testPlan as plan, testStep as step } from '../testing/engine-harness.js';
import { loadShippedWorkforce, type Workforce } from '../testing/facade-harness.js';
import { budget, recordingGuard } from '../testing/guard-ports.js';
import { budgetLevel, describeBudget, evaluateBudgets, periodStart, runLimitStop } from './budgets.js';

describe('budget rules', () => {
  it('should start periods at UTC midnight, Monday and the first of the month when the period is day, week or month', () => {
    const now = new Date('2026-11-21T15:30:00Z'); // a Saturday
    expect(periodStart('day', now)?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(periodStart('week', now)?.toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(periodStart('month', now)?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(periodStart('total', now)).toBeNull();
    expect(periodStart('week', new Date('2026-11-16T00:00:00Z'))?.toISOString()).toBe('2026-11-16T00:00:00.000Z');
  });

  it('should rank a budget hard when any hard limit is reached and soft when only a soft one is', () => {
    expect(
      budgetLevel(budget({ scope: 'agent', scopeRef: 'a', tokenSoftLimit: 100, tokenHardLimit: 200, tokensUsed: 99 })),
    ).toBe('ok');
    expect(
      budgetLevel(budget({ scope: 'agent', scopeRef: 'a', tokenSoftLimit: 100, tokenHardLimit: 200, tokensUsed: 100 })),
    ).toBe('soft');
    expect(
      budgetLevel(
        budget({
          scope: 'agent',
          scopeRef: 'a',
          tokenSoftLimit: 100,
          costHardLimitUsd: 1,
          tokensUsed: 150,
          costUsedUsd: 1.2,
        }),
      ),
    ).toBe('hard');
  });

  it('should name the budget, its owner and the limit when describing a hard stop', () => {
    const text = describeBudget(
      budget({ scope: 'department', scopeRef: 'marketing', tokenHardLimit: 1000, tokensUsed: 1200 }),
      'hard',
    );
    expect(text).toContain('monthly budget of the marketing department');
    expect(text).toContain('1,200 of 1,000 tokens');
    expect(text).toContain('Raise the budget');
  });

  it('should report the first exhausted budget and every soft one when several apply', () => {
    const check = evaluateBudgets([
      budget({ scope: 'agent', scopeRef: 'a', tokenSoftLimit: 10, tokensUsed: 20 }),
      budget({ scope: 'project', scopeRef: 'p', costHardLimitUsd: 0.5, costUsedUsd: 0.5 }),
    ]);
    expect(check.hard?.budget.scope).toBe('project');
    expect(check.hard?.message).toContain('$0.5000 of $0.5000 spent');
    expect(check.soft).toHaveLength(1);
  });

  it('should stop a run over its step limit or a step sent round too often', () => {
    expect(runLimitStop({ maxSteps: 3, maxLoops: 2, stepsStarted: 2 }, 0)).toBeNull();
    expect(runLimitStop({ maxSteps: 3, maxLoops: 2, stepsStarted: 3 }, 0)).toContain('limit of 3 executed steps');
    expect(runLimitStop({ maxSteps: 3, maxLoops: 2, stepsStarted: 0 }, 3)).toContain('over the limit of 2');
  });
});

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

function guardedEngine(p: Plan, script: ScriptedTurn[], guardOptions: Parameters<typeof recordingGuard>[0]) {
  const g = recordingGuard(guardOptions);
  return { ...testEngine(workforce, p, script, { guard: g.guard, maxAttempts: 2 }), g };
}

describe('budgets during execution', () => {
  it('should stop the step with a budget error naming the budget when a hard limit is reached, and run it after the budget is raised', async () => {
    const over = budget({ scope: 'agent', scopeRef: 'blog_post_writer', tokenHardLimit: 1000, tokensUsed: 1000 });
    const t = guardedEngine(plan([step('write')]), ['The post.'], { budgets: [over] });
    const first = await t.engine.run(t.ctx);
    expect(first.kind === 'interrupted' && first.interrupts[0]!.value).toMatchObject({
      kind: 'error',
      category: 'budget',
      stepKey: 'write',
    });
    expect(
      first.kind === 'interrupted' && first.interrupts[0]!.value.kind === 'error' && first.interrupts[0]!.value.message,
    ).toContain('agent blog_post_writer is exhausted');
    expect(t.model.prompts).toHaveLength(0);
    expect(t.rec.errors).toEqual([{ stepKey: 'write', category: 'budget', attempt: 0 }]);
    expect(t.g.hardStops).toEqual([over.id]);

    over.tokenHardLimit = 5000;
    const id = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    expect(await t.engine.run(t.ctx, { [id]: { kind: 'recovery', action: 'retry' } })).toEqual({ kind: 'completed' });
    expect(t.model.prompts).toHaveLength(1);
  });

  it('should warn once and keep running when only a soft limit is reached', async () => {
    const soft = budget({
      scope: 'department',
      scopeRef: 'marketing',
      costSoftLimitUsd: 1,
      costHardLimitUsd: 10,
      costUsedUsd: 2,
    });
    const t = guardedEngine(plan([step('a'), step('b', ['a'])]), ['A.', 'B.'], { budgets: [soft] });
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(t.g.warnings).toHaveLength(1);
    expect(t.g.warnings[0]!.message).toContain('marketing department reached its soft limit');
    expect(t.rec.executions()).toBe(2);
  });

  it('should stop a step when the run has executed its maximum number of steps', async () => {
    const t = guardedEngine(plan([step('a')]), ['A.'], { limits: { maxSteps: 4, stepsStarted: 4 } });
    const first = await t.engine.run(t.ctx);
    expect(first.kind === 'interrupted' && first.interrupts[0]!.value).toMatchObject({
      kind: 'error',
      category: 'budget',
    });
    expect(t.model.prompts).toHaveLength(0);
  });

  it('should stop a step sent round more often than the loop limit allows', async () => {
    const timeout = Object.assign(new Error('Request timed out'), { status: 408 });
    const t = guardedEngine(plan([step('loop', [])]), [timeout, timeout, timeout, timeout], {
      limits: { maxLoops: 1 },
    });
    const first = await t.engine.run(t.ctx);
    const id1 = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    const second = await t.engine.run(t.ctx, { [id1]: { kind: 'recovery', action: 'retry' } });
    expect(second.kind === 'interrupted' && second.interrupts[0]!.value).toMatchObject({ category: 'llm_timeout' });
    const id2 = second.kind === 'interrupted' ? second.interrupts[0]!.id : '';
    const third = await t.engine.run(t.ctx, { [id2]: { kind: 'recovery', action: 'retry' } });
    expect(third.kind === 'interrupted' && third.interrupts[0]!.value).toMatchObject({ category: 'budget' });
    expect(t.model.prompts).toHaveLength(4);
  });
});
