import type { Plan, PlanStep } from '@orchestrator/contracts';
import { entries } from './steps.js';

/* Small helpers for the planning tests (pure, no file access). */

/** Every step of a plan with its qualified id (`subprojectId/stepId` when nested). */
export const flatSteps = (plan: Plan): { qid: string; step: PlanStep; parent: PlanStep | null }[] =>
  entries(plan.steps).map((e) => ({ qid: e.qid, step: e.step, parent: e.parent }));

export const findStep = (plan: Plan, id: string): PlanStep => {
  const hit = flatSteps(plan).find((e) => e.step.id === id);
  if (!hit)
    throw new Error(
      `no step ${id} in plan; steps: ${flatSteps(plan)
        .map((e) => e.qid)
        .join(', ')}`,
    );
  return hit.step;
};

/** A small step factory for DAG and critical-path tests. */
export function makeStep(id: string, overrides: Partial<PlanStep> = {}): PlanStep {
  return {
    id,
    name: id.replace(/_/g, ' '),
    description: '',
    type: 'standard',
    department: null,
    dependsOn: [],
    assignedAgent: null,
    assignedHuman: null,
    collaboration: null,
    capability: null,
    riskLevel: 'low',
    estimatedDuration: { value: 1, unit: 'days' },
    ...overrides,
  };
}
