import type { Plan, PlanStep } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../testing/fixtures.js';
import { findCycle, topoOrder, validatePlan } from './dag.js';
import { isPlanError, PlanError } from './errors.js';
import { makeStep } from './testing.js';

let registry: AgentRegistry;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
});

const planOf = (steps: PlanStep[]): Plan => ({
  title: 'Test plan',
  request: 'test',
  template: null,
  department: 'engineering',
  horizon: 'short_term',
  steps,
  criticalPath: { stepIds: [], totalMinutes: 0, display: { value: 1, unit: 'minutes' } },
  warnings: [],
});

const codes = (plan: Plan) => validatePlan(plan, registry).errors.map((e) => e.code);

describe('validatePlan', () => {
  it('should accept a small valid DAG with a real agent and capability', () => {
    const plan = planOf([
      makeStep('write', { assignedAgent: 'technical_writer', capability: 'runbooks' }),
      makeStep('review', { dependsOn: ['write'], type: 'human_approval', collaboration: 'approval' }),
    ]);
    expect(validatePlan(plan, registry)).toEqual({ ok: true, errors: [] });
  });

  it('should reject a cycle and name the steps in it', () => {
    const plan = planOf([
      makeStep('a', { dependsOn: ['c'] }),
      makeStep('b', { dependsOn: ['a'] }),
      makeStep('c', { dependsOn: ['b'] }),
      makeStep('d'),
    ]);
    const { ok, errors } = validatePlan(plan, registry);
    expect(ok).toBe(false);
    const cycle = errors.find((e) => e.code === 'plan/cycle')!;
    expect(cycle.stepIds.sort()).toEqual(['a', 'b', 'c']);
    expect(cycle.message).toMatch(/a → c → b → a/);
  });

  it('should reject a step that depends on itself', () => {
    const { errors } = validatePlan(planOf([makeStep('loop', { dependsOn: ['loop'] })]), registry);
    expect(errors).toEqual([expect.objectContaining({ code: 'plan/cycle', stepIds: ['loop'] })]);
  });

  it('should reject a dangling dependency with the step and the missing id', () => {
    const { errors } = validatePlan(planOf([makeStep('a'), makeStep('b', { dependsOn: ['a', 'ghost'] })]), registry);
    expect(errors).toEqual([expect.objectContaining({ code: 'plan/dangling_dependency', stepIds: ['b', 'ghost'] })]);
    expect(errors[0]!.message).toContain('"ghost"');
  });

  it('should name nested steps as subproject/step', () => {
    const sub = makeStep('eng', {
      type: 'subproject',
      department: 'engineering',
      steps: [
        makeStep('x', { dependsOn: ['y'] }),
        makeStep('y', { dependsOn: ['x'] }),
        makeStep('z', { dependsOn: ['top'] }),
      ],
    });
    const { errors } = validatePlan(planOf([makeStep('top'), sub]), registry);
    expect(errors.find((e) => e.code === 'plan/cycle')!.stepIds.sort()).toEqual(['eng/x', 'eng/y']);
    // Dependencies never cross levels: a nested step cannot wait for a top-level one directly.
    expect(errors.find((e) => e.code === 'plan/dangling_dependency')!.stepIds).toEqual(['eng/z', 'eng/top']);
  });

  it('should reject duplicate ids at the same level', () => {
    const { errors } = validatePlan(planOf([makeStep('a'), makeStep('a')]), registry);
    expect(errors).toEqual([expect.objectContaining({ code: 'plan/duplicate_step', stepIds: ['a'] })]);
  });

  it('should reject an agent the registry does not know and a capability the agent lacks', () => {
    const { errors } = validatePlan(
      planOf([
        makeStep('a', { assignedAgent: 'ghost_writer' }),
        makeStep('b', { assignedAgent: 'recruiter', capability: 'budget_preparation' }),
      ]),
      registry,
    );
    expect(errors.map((e) => [e.code, e.stepIds])).toEqual([
      ['plan/unknown_agent', ['a']],
      ['plan/capability_mismatch', ['b']],
    ]);
  });

  it('should reject a subproject without steps and steps nested in a non-subproject', () => {
    expect(codes(planOf([makeStep('empty', { type: 'subproject', steps: [] })]))).toEqual([
      'plan/subproject_without_steps',
    ]);
    expect(codes(planOf([makeStep('odd', { steps: [makeStep('inner')] })]))).toEqual(['plan/unexpected_substeps']);
  });

  it('should report schema problems with the step they concern', () => {
    const { errors } = validatePlan(
      planOf([makeStep('Bad Id'), makeStep('ok', { estimatedDuration: { value: 0, unit: 'days' } })]),
      registry,
    );
    expect(errors.filter((e) => e.code === 'plan/schema').map((e) => e.stepIds)).toEqual([['Bad Id'], ['ok']]);
  });
});

describe('DAG helpers', () => {
  it('should find no cycle in a diamond and order it by dependencies', () => {
    const steps = [
      makeStep('d', { dependsOn: ['b', 'c'] }),
      makeStep('b', { dependsOn: ['a'] }),
      makeStep('c', { dependsOn: ['a'] }),
      makeStep('a'),
    ];
    expect(findCycle(steps)).toBeNull();
    expect(topoOrder(steps)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('should carry the first issue on PlanError and be detectable by name', () => {
    const err = new PlanError([
      { code: 'plan/cycle', message: 'Dependencies form a cycle: a → b → a.', stepIds: ['a', 'b'] },
      { code: 'plan/duplicate_step', message: 'dup', stepIds: ['c'] },
    ]);
    expect(isPlanError(err)).toBe(true);
    expect(isPlanError(new Error('x'))).toBe(false);
    expect(err).toMatchObject({ name: 'PlanError', code: 'plan/cycle', stepIds: ['a', 'b'] });
    expect(err.message).toBe('Dependencies form a cycle: a → b → a. (and 1 more problem)');
  });
});
