import type { Plan } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedTurn } from '../llm/scripted.js';
import { testEngine, testPlan as plan, testStep as step } from '../testing/engine-harness.js';
import { loadShippedWorkforce, type Workforce } from '../testing/facade-harness.js';
import { recordingGuard } from '../testing/guard-ports.js';
import { afterFailure, afterSuccess, circuitStateAt, closedCircuit, countsAgainstCircuit } from './circuit-breaker.js';

const policy = { failureThreshold: 3, windowMs: 60_000, coolDownMs: 120_000 };
const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s));

describe('circuit breaker rules', () => {
  it('should open after the threshold of consecutive failures within the window', () => {
    let r = closedCircuit();
    r = afterFailure(r, at(0), policy);
    r = afterFailure(r, at(10), policy);
    expect(r).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
    r = afterFailure(r, at(20), policy);
    expect(r).toMatchObject({ state: 'open', consecutiveFailures: 3, openedAt: at(20) });
  });

  it('should restart the count when a failure comes after the window', () => {
    let r = afterFailure(afterFailure(closedCircuit(), at(0), policy), at(10), policy);
    r = afterFailure(r, new Date(at(10).getTime() + 61_000), policy);
    expect(r).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });

  it('should turn half-open after the cool-down, reopen on a failed trial and close on a successful one', () => {
    const open = { state: 'open' as const, consecutiveFailures: 3, lastFailureAt: at(0), openedAt: at(0) };
    expect(circuitStateAt(open, at(119), policy).state).toBe('open');
    expect(circuitStateAt(open, at(120), policy)).toEqual({ state: 'half_open', retryAt: at(120) });
    expect(afterFailure(open, at(130), policy)).toMatchObject({ state: 'open', openedAt: at(130) });
    expect(afterSuccess(open)).toEqual(closedCircuit());
  });

  it("should ignore failures that are not the agent's fault", () => {
    expect(countsAgainstCircuit('llm_timeout')).toBe(true);
    expect(countsAgainstCircuit('tool_failure')).toBe(true);
    expect(countsAgainstCircuit('budget')).toBe(false);
    expect(countsAgainstCircuit('agent_unavailable')).toBe(false);
    expect(countsAgainstCircuit('cancelled')).toBe(false);
  });
});

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

function guardedEngine(p: Plan, script: ScriptedTurn[], now: { value: Date }) {
  const g = recordingGuard({ policy, now: () => now.value });
  return { ...testEngine(workforce, p, script, { guard: g.guard }), g };
}

describe('circuit breaker during execution', () => {
  it('should open the circuit of an agent failing repeatedly, skip it on the next step and ask a person, then let a trial through after the cool-down', async () => {
    const now = { value: at(0) };
    const boom = Object.assign(new Error('Request timed out'), { status: 408 });
    const t = guardedEngine(
      plan([step('first'), step('second', ['first'])]),
      [boom, boom, boom, 'First done.', 'Second done.'],
      now,
    );

    const first = await t.engine.run(t.ctx);
    expect(t.model.prompts).toHaveLength(3);
    expect(t.g.circuits.get('blog_post_writer')).toMatchObject({ state: 'open', consecutiveFailures: 3 });

    // A person retries while the circuit is open: the agent is skipped, not called, and the person is asked again.
    const id1 = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    const second = await t.engine.run(t.ctx, { [id1]: { kind: 'recovery', action: 'retry' } });
    expect(t.model.prompts).toHaveLength(3);
    const question = second.kind === 'interrupted' ? second.interrupts[0]!.value : null;
    expect(question).toMatchObject({ kind: 'error', category: 'agent_unavailable' });
    expect(question?.kind === 'error' && question.message).toContain('circuit breaker of blog_post_writer is open');

    // After the cool-down one trial runs; it succeeds and closes the circuit.
    now.value = at(200);
    const id2 = second.kind === 'interrupted' ? second.interrupts[0]!.id : '';
    expect(await t.engine.run(t.ctx, { [id2]: { kind: 'recovery', action: 'retry' } })).toEqual({ kind: 'completed' });
    expect(t.g.circuits.get('blog_post_writer')).toEqual(closedCircuit());
    expect(t.rec.executions()).toBe(2);
  });

  it('should clear the failure count when a retry on the same agent succeeds', async () => {
    const boom = Object.assign(new Error('Request timed out'), { status: 408 });
    const t = guardedEngine(plan([step('only')]), [boom, 'Done on the second attempt.'], { value: at(0) });
    expect(await t.engine.run(t.ctx)).toEqual({ kind: 'completed' });
    expect(t.model.prompts).toHaveLength(2);
    expect(t.g.circuits.get('blog_post_writer')).toEqual(closedCircuit());
  });
});
