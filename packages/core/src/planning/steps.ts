import type { Plan, PlanStep } from '@orchestrator/contracts';

/** A step with where it sits: `qid` is `subprojectId/stepId` for nested steps. */
export interface StepEntry {
  qid: string;
  step: PlanStep;
  /** Steps at the same level (the array it lives in). */
  siblings: PlanStep[];
  parent: PlanStep | null;
}

export function entries(steps: PlanStep[], parent: PlanStep | null = null, prefix = ''): StepEntry[] {
  return steps.flatMap((step) => {
    const qid = prefix ? `${prefix}/${step.id}` : step.id;
    const own: StepEntry = { qid, step, siblings: steps, parent };
    return step.steps ? [own, ...entries(step.steps, step, qid)] : [own];
  });
}

export const allEntries = (plan: Plan): StepEntry[] => entries(plan.steps);

/** Every step id anywhere in the plan (unqualified): new ids stay unique plan-wide. */
export const allIds = (steps: PlanStep[]): Set<string> => new Set(entries(steps).map((e) => e.step.id));
