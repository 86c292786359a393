import type { Plan, PlanStep } from '@orchestrator/contracts';

/** A step of the executable DAG: the plan step with its absolute key and resolved dependencies. */
export interface ExecStep {
  key: string;
  /** The subproject it belongs to, for grouping; null at the top level. */
  parentKey: string | null;
  step: PlanStep;
  dependsOn: string[];
}

/**
 * Turns a plan (steps and subprojects, each level its own DAG) into one flat DAG. A subproject
 * is a container: its steps run in this project's graph as `subproject/step`; a step without
 * dependencies inside its subproject waits for everything the subproject depends on.
 */
export function flattenPlan(plan: Plan): ExecStep[] {
  const top = new Map(plan.steps.map((s) => [s.id, s]));
  // Finishing a top-level entry means finishing all of its leaves.
  const leavesOf = (id: string): string[] => {
    const s = top.get(id);
    if (!s) return [];
    return s.type === 'subproject' ? (s.steps ?? []).map((c) => `${s.id}/${c.id}`) : [s.id];
  };
  const out: ExecStep[] = [];
  for (const s of plan.steps) {
    const outer = s.dependsOn.flatMap(leavesOf);
    if (s.type !== 'subproject') {
      out.push({ key: s.id, parentKey: null, step: s, dependsOn: outer });
      continue;
    }
    for (const c of s.steps ?? []) {
      const inner = c.dependsOn.map((d) => `${s.id}/${d}`);
      out.push({
        key: `${s.id}/${c.id}`,
        parentKey: s.id,
        step: { ...c, department: c.department ?? s.department },
        dependsOn: inner.length > 0 ? inner : outer,
      });
    }
  }
  return out;
}

export type StepState = 'completed' | 'skipped' | 'failed' | 'cancelled';

/** Steps whose dependencies are all settled and that have not run: the next parallel batch. */
export function readySteps(steps: ExecStep[], done: Record<string, { status: StepState }>): ExecStep[] {
  return steps.filter(
    (s) => !done[s.key] && s.dependsOn.every((d) => done[d]?.status === 'completed' || done[d]?.status === 'skipped'),
  );
}

/** Steps that can never run because a dependency failed or was cancelled. */
export function blockedSteps(steps: ExecStep[], done: Record<string, { status: StepState }>): ExecStep[] {
  const blocked = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const s of steps) {
      if (done[s.key] || blocked.has(s.key)) continue;
      if (s.dependsOn.some((d) => done[d]?.status === 'failed' || done[d]?.status === 'cancelled' || blocked.has(d))) {
        blocked.add(s.key);
        changed = true;
      }
    }
  }
  return steps.filter((s) => blocked.has(s.key));
}
