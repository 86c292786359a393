import { randomUUID } from 'node:crypto';
import type { Plan, PlanStep } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedTurn } from '../../llm/scripted.js';
import { testEngine, testPlan as plan, testStep, type TestEngineOptions } from '../../testing/engine-harness.js';
import type { PendingInterrupt } from './engine.js';
import { StartsFirst } from './starts-first.js';
import { loadShippedWorkforce, type Workforce } from '../../testing/facade-harness.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const step = (id: string, dependsOn: string[] = [], extra: Partial<PlanStep> = {}): PlanStep =>
  testStep(id, dependsOn, { capability: 'blog_writing', ...extra });

const engineFor = (p: Plan, script: ScriptedTurn[], options: TestEngineOptions = {}) =>
  testEngine(workforce, p, script, options);

describe('ExecutionEngine', () => {
  it('should run independent steps in one parallel batch and dependents after them', async () => {
    const t = engineFor(plan([step('a'), step('b'), step('c', ['a', 'b'])]), ['A done', 'B done', 'C done']);
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(t.rec.executions()).toBe(3);
    // c received the results of a and b.
    expect(String(t.model.prompts[2]!.at(-1)!.content)).toContain('Step c');
    const history = await t.engine.checkpoints(t.ctx);
    expect(history[0]!.completedSteps.sort()).toEqual(['a', 'b', 'c']);
  });

  it('should pause on a gated step and continue once it is approved', async () => {
    const t = engineFor(plan([step('safe'), step('risky', ['safe'], { riskLevel: 'critical' })]), [
      'safe done',
      'risky done',
    ]);
    const first = await t.engine.run(t.ctx);
    expect(first.kind).toBe('interrupted');
    const pending = first.kind === 'interrupted' ? first.interrupts : [];
    expect(pending).toEqual([
      { id: expect.any(String), value: expect.objectContaining({ kind: 'approval', stepKey: 'risky' }) },
    ]);
    expect(t.rec.approvals[0]).toMatchObject({ stepKey: 'risky', riskLevel: 'critical' });
    expect(t.rec.executions()).toBe(1);
    const second = await t.engine.run(t.ctx, { [pending[0]!.id]: { kind: 'decision', decision: 'approve' } });
    expect(second).toEqual({ kind: 'completed' });
    expect(t.rec.executions()).toBe(2);
  });

  it('should decide the answers from the open questions it read, and leave the run as it is on null', async () => {
    const t = engineFor(plan([step('risky', [], { riskLevel: 'critical' })]), ['risky done']);
    const first = await t.engine.run(t.ctx);
    const asked: PendingInterrupt[][] = [];
    expect(await t.engine.run(t.ctx, async (open) => (asked.push(open), null))).toEqual({ kind: 'not_run' });
    expect(t.rec.executions()).toBe(0);
    const gate = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    const approve = async (open: PendingInterrupt[]) => (
      asked.push(open),
      { [open[0]!.id]: { kind: 'decision' as const, decision: 'approve' as const } }
    );
    expect(await t.engine.run(t.ctx, approve)).toEqual({ kind: 'completed' });
    expect(asked.map((open) => open.map((i) => i.id))).toEqual([[gate], [gate]]);
    expect(t.rec.executions()).toBe(1);
  });

  it('should turn a rejection into a decision for a person and skip on request', async () => {
    const t = engineFor(plan([step('risky', [], { riskLevel: 'critical' }), step('after', ['risky'])]), ['after done']);
    const first = await t.engine.run(t.ctx);
    const approvalId = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    const second = await t.engine.run(t.ctx, {
      [approvalId]: { kind: 'decision', decision: 'reject', notes: 'too risky', decidedBy: 'Sarah' },
    });
    expect(second.kind).toBe('interrupted');
    const errorInterrupt = second.kind === 'interrupted' ? second.interrupts[0]! : undefined;
    expect(errorInterrupt?.value).toMatchObject({
      kind: 'error',
      category: 'permission',
      message: 'Rejected by Sarah: too risky',
    });
    const third = await t.engine.run(t.ctx, { [errorInterrupt!.id]: { kind: 'recovery', action: 'skip' } });
    expect(third).toEqual({ kind: 'completed' });
    expect(t.rec.statuses.get('risky')).toContain('skipped');
  });

  it('should retry transient failures with backoff, then ask a person, and retry on request', async () => {
    const timeout = Object.assign(new Error('Request timed out'), { status: 408 });
    const t = engineFor(plan([step('flaky', [], { capability: 'nonexistent_capability' })]), [
      timeout,
      timeout,
      timeout,
      'finally done',
    ]);
    const first = await t.engine.run(t.ctx);
    expect(first.kind).toBe('interrupted');
    expect(t.rec.errors.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(t.rec.errors.every((e) => e.category === 'llm_timeout')).toBe(true);
    const id = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    expect(await t.engine.run(t.ctx, { [id]: { kind: 'recovery', action: 'retry' } })).toEqual({ kind: 'completed' });
  });

  it('should end the run, not fail the step, when its own records cannot be written, and run the step again after', async () => {
    const t = engineFor(plan([step('a')]), ['first try', 'second try']);
    const saveResult = t.rec.store.saveResult;
    const outage = new Error('Connection terminated unexpectedly');
    t.rec.store.saveResult = async () => {
      throw outage;
    };
    await expect(t.engine.run(t.ctx)).rejects.toBe(outage);
    // Nothing blamed on the step or its agent: no error recorded, no retry.
    expect(t.rec.errors).toEqual([]);
    expect(t.model.prompts).toHaveLength(1);
    t.rec.store.saveResult = saveResult;
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(t.model.prompts).toHaveLength(2);
    expect(t.rec.executions()).toBe(1);
  });

  it('should end as aborted when a person aborts after a failure', async () => {
    const t = engineFor(plan([step('x', [], { assignedAgent: null, capability: 'legal_review' })]), []);
    const first = await t.engine.run(t.ctx);
    expect(first.kind === 'interrupted' && first.interrupts[0]!.value).toMatchObject({
      kind: 'error',
      category: 'agent_unavailable',
    });
    const id = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    const second = await t.engine.run(t.ctx, { [id]: { kind: 'recovery', action: 'abort' } });
    expect(second.kind).toBe('aborted');
  });

  it('should not execute a finished step again when a run is repeated from its checkpoint', async () => {
    const t = engineFor(plan([step('once')]), ['only once']);
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(t.rec.executions()).toBe(1);
  });

  it('should report only the still-open approvals when one of a parallel batch is decided', async () => {
    const t = engineFor(plan(['a', 'b', 'c'].map((id) => step(id, [], { riskLevel: 'critical' }))), [
      'b done',
      'c done',
      'after skip',
    ]);
    const first = await t.engine.run(t.ctx);
    const pending = first.kind === 'interrupted' ? first.interrupts : [];
    expect(pending.map((i) => i.value.stepKey).sort()).toEqual(['a', 'b', 'c']);
    const a = pending.find((i) => i.value.stepKey === 'a')!;
    const second = await t.engine.run(t.ctx, { [a.id]: { kind: 'decision', decision: 'reject', notes: 'no' } });
    // a is answered (its rejection is recorded); only b and c still wait, so nothing is resumed twice.
    expect(second.kind === 'interrupted' && second.interrupts.map((i) => i.value.stepKey).sort()).toEqual(['b', 'c']);
    expect(t.rec.statuses.get('a')).toContain('failed');
    const rest = second.kind === 'interrupted' ? second.interrupts : [];
    const third = await t.engine.run(
      t.ctx,
      Object.fromEntries(rest.map((i) => [i.id, { kind: 'decision', decision: 'approve' } as const])),
    );
    // Once the batch is complete, the rejection surfaces as a decision for a person.
    expect(third.kind === 'interrupted' && third.interrupts.map((i) => i.value)).toEqual([
      expect.objectContaining({ kind: 'error', stepKey: 'a', category: 'permission' }),
    ]);
    expect(t.rec.executions()).toBe(2);
  });

  it('should take one superstep per step of a chain and join parallel steps through schedule', async () => {
    const chain = (n: number) => plan(Array.from({ length: n }, (_, i) => step(`c${i}`, i === 0 ? [] : [`c${i - 1}`])));
    const supersteps = async (p: Plan, replies: string[]) => {
      const t = engineFor(p, replies);
      expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
      return { count: (await t.engine.checkpoints(t.ctx)).length, rec: t.rec };
    };
    const two = await supersteps(chain(2), ['1', '2']);
    const five = await supersteps(chain(5), ['1', '2', '3', '4', '5']);
    // Three more steps, three more checkpoints: a step that ran alone dispatches the next one.
    expect(five.count - two.count).toBe(3);
    expect(five.rec.executions()).toBe(5);
    // a and b run together; c waits for both, so schedule joins the batch first: one superstep
    // more than a chain of two (where the first step dispatches the second itself).
    const joined = await supersteps(plan([step('a'), step('b'), step('c', ['a', 'b'])]), ['A', 'B', 'C']);
    expect(joined.rec.executions()).toBe(3);
    expect(joined.count).toBe(two.count + 1);
  });

  it('should stop a cancelled run mid-step: the model call is aborted and nothing more is recorded', async () => {
    const t = engineFor(plan([step('slow'), step('after', ['slow'])]), [
      { content: 'never delivered', delayMs: 60_000 },
      'after done',
    ]);
    expect(t.engine.cancel(t.ctx)).toBe(false);
    const running = t.engine.run(t.ctx);
    while (t.model.prompts.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    expect(t.engine.cancel(t.ctx)).toBe(true);
    expect(await running).toEqual({ kind: 'stopped' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(t.rec.executions()).toBe(0);
    expect(t.rec.errors).toEqual([]);
    expect(t.rec.statuses.get('slow')).not.toContain('failed');
    expect(t.rec.statuses.get('after')).toEqual(['pending']);
    expect(t.engine.cancel(t.ctx)).toBe(false);
  });

  it('should let the steps in progress finish on pause, start no other, and go on from there', async () => {
    const t = engineFor(plan([step('a'), step('b'), step('c', ['a', 'b'])]), [
      { content: 'A done', delayMs: 200 },
      { content: 'B done', delayMs: 300 },
      'C done',
    ]);
    expect(t.engine.pause(t.ctx)).toBe(false);
    const running = t.engine.run(t.ctx);
    while (t.model.prompts.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(t.engine.pause(t.ctx)).toBe(true);
    expect(await running).toEqual({ kind: 'stopped' });
    expect(t.rec.executions()).toBe(2);
    expect(t.rec.statuses.get('c')).toEqual(['pending']);
    expect(t.rec.errors).toEqual([]);
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(t.rec.executions()).toBe(3);
    expect(t.model.prompts).toHaveLength(3);
  });

  it("should hold a run's next step while another project's run is starting, until that run's first step", async () => {
    const starts = new StartsFirst(60_000);
    const t = engineFor(plan([step('a'), step('b', ['a'])]), ['A', 'B'], { startsFirst: starts });
    const order: string[] = [];
    const setStepStatus = t.rec.store.setStepStatus;
    t.rec.store.setStepStatus = async (ctx, key, status, extra) => {
      order.push(`${key} ${status}`);
      // Another project's run starts while this one's first step runs; its first step comes a moment later.
      if (key === 'a' && status === 'running') {
        starts.begin('other');
        setTimeout(() => {
          order.push('other starts its first step');
          void starts.turn('other');
        }, 20);
      }
      return setStepStatus(ctx, key, status, extra);
    };
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(order).toEqual(['a running', 'other starts its first step', 'b running']);
  });

  it('should wait for a person on a build_agent step', async () => {
    const t = engineFor(
      plan([
        step('build', [], { type: 'build_agent', assignedAgent: null, capability: 'localization' }),
        step('use', ['build']),
      ]),
      ['used'],
    );
    const first = await t.engine.run(t.ctx);
    expect(first.kind === 'interrupted' && first.interrupts[0]!.value).toMatchObject({
      kind: 'agent_development',
      stepKey: 'build',
    });
  });

  describe('time travel', () => {
    /** What the API's step reset does to the store: results of steps after the checkpoint are gone. */
    const forgetAllBut = (t: ReturnType<typeof engineFor>, keep: string[]) => {
      for (const [key, r] of t.rec.results) if (!keep.includes(r.key)) t.rec.results.delete(key);
    };

    it('should continue from the checkpoint after a rollback, keeping the later history', async () => {
      const t = engineFor(plan([step('a'), step('b', ['a']), step('c', ['b'])]), ['A', 'B', 'C', 'B2', 'C2']);
      expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
      const before = await t.engine.checkpoints(t.ctx);
      const target = before.find((c) => c.completedSteps.join() === 'a')!;
      expect(await t.engine.rollback(t.ctx, target.checkpointId)).toEqual({
        checkpointId: target.checkpointId,
        finishedSteps: ['a'],
      });
      const after = await t.engine.checkpoints(t.ctx);
      expect(after).toHaveLength(before.length + 1);
      expect(after[0]).toMatchObject({ parentCheckpointId: target.checkpointId, completedSteps: ['a'] });
      forgetAllBut(t, ['a']);
      expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
      expect(t.rec.executions()).toBe(5);
      expect((await t.engine.checkpoints(t.ctx))[0]!.completedSteps.sort()).toEqual(['a', 'b', 'c']);
    });

    it('should ask again for the approval of a step that runs again after a rollback', async () => {
      const t = engineFor(plan([step('safe'), step('risky', ['safe'], { riskLevel: 'critical' })]), ['S', 'R', 'R2']);
      const first = await t.engine.run(t.ctx);
      const gate = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
      expect(await t.engine.run(t.ctx, { [gate]: { kind: 'decision', decision: 'approve' } })).toEqual({
        kind: 'completed',
      });
      const target = (await t.engine.checkpoints(t.ctx)).find((c) => c.completedSteps.join() === 'safe')!;
      await t.engine.rollback(t.ctx, target.checkpointId);
      forgetAllBut(t, ['safe']);
      const again = await t.engine.run(t.ctx);
      expect(again.kind === 'interrupted' && again.interrupts.map((i) => i.value.stepKey)).toEqual(['risky']);
      expect(t.rec.approvals.map((a) => a.stepKey)).toEqual(['risky', 'risky']);
      expect(new Set(t.rec.approvals.map((a) => a.gateKey)).size).toBe(2);
    });

    it('should run a step that had failed at the checkpoint again after a rollback, without asking', async () => {
      const timeout = Object.assign(new Error('Request timed out'), { status: 408 });
      const t = engineFor(plan([step('flaky', [], { capability: 'nonexistent_capability' })]), [
        timeout,
        timeout,
        timeout,
        'done at last',
      ]);
      expect((await t.engine.run(t.ctx)).kind).toBe('interrupted');
      const [head] = await t.engine.checkpoints(t.ctx);
      await t.engine.rollback(t.ctx, head!.checkpointId);
      let open: PendingInterrupt[] | undefined;
      const answers = async (interrupts: PendingInterrupt[]) => ((open = interrupts), {});
      expect(await t.engine.run(t.ctx, answers)).toEqual({ kind: 'completed' });
      expect(open).toEqual([]);
      expect(t.rec.errors).toHaveLength(3);
    });

    it('should start a fork from the checkpoint in its own thread and leave the source as it was', async () => {
      const t = engineFor(plan([step('a'), step('b', ['a'])]), ['A', 'B', 'B in the fork']);
      expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
      const before = await t.engine.checkpoints(t.ctx);
      const target = before.find((c) => c.completedSteps.join() === 'a')!;
      const fork = { workspaceId: t.ctx.workspaceId, projectId: randomUUID() };
      expect(await t.engine.fork(t.ctx, target.checkpointId, fork)).toEqual({
        checkpointId: target.checkpointId,
        finishedSteps: ['a'],
      });
      expect(await t.engine.checkpoints(t.ctx)).toEqual(before);
      const forked = await t.engine.checkpoints(fork);
      expect(forked).toHaveLength(1);
      expect(forked[0]).toMatchObject({
        parentCheckpointId: null,
        completedSteps: ['a'],
        next: ['b'],
        events: ['Forked from another project — 1 step kept as finished'],
      });
      forgetAllBut(t, ['a']);
      expect(await t.engine.run(fork)).toEqual({ kind: 'completed' });
      expect(t.rec.executions()).toBe(3);
      expect((await t.engine.checkpoints(fork))[0]!.completedSteps.sort()).toEqual(['a', 'b']);
    });

    it('should refuse a checkpoint the thread does not have', async () => {
      const t = engineFor(plan([step('a')]), ['A']);
      await t.engine.run(t.ctx);
      await expect(t.engine.rollback(t.ctx, 'no-such-checkpoint')).rejects.toMatchObject({
        name: 'CheckpointNotFound',
      });
      const other = { workspaceId: t.ctx.workspaceId, projectId: randomUUID() };
      await expect(t.engine.fork(t.ctx, 'no-such-checkpoint', other)).rejects.toMatchObject({
        name: 'CheckpointNotFound',
      });
      expect(await t.engine.checkpoints(other)).toEqual([]);
    });
  });
});
