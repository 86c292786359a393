import type { Duration, PlanStep } from '@orchestrator/contracts';
import { topoOrder } from './dag.js';
import { fromMinutes, toMinutes } from './duration.js';

export interface CriticalPath {
  /** Top-level ids along the longest chain; a subproject on it is followed by its own chain as `sub/inner`. */
  stepIds: string[];
  totalMinutes: number;
  display: Duration;
}

/** A subproject lasts as long as its own critical path; other steps as long as their estimate. */
export function stepMinutes(step: PlanStep): number {
  if (step.type === 'subproject' && step.steps && step.steps.length > 0)
    return computeCriticalPath(step.steps).totalMinutes;
  return toMinutes(step.estimatedDuration);
}

/** Longest path through the DAG, in business minutes. Ties go to the earlier listed step. */
export function computeCriticalPath(steps: readonly PlanStep[]): CriticalPath {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const finish = new Map<string, number>();
  const via = new Map<string, string | null>();
  for (const id of topoOrder(steps)) {
    const step = byId.get(id)!;
    let start = 0;
    let prev: string | null = null;
    for (const dep of step.dependsOn) {
      const f = finish.get(dep);
      if (f !== undefined && f > start) {
        start = f;
        prev = dep;
      }
    }
    finish.set(id, start + stepMinutes(step));
    via.set(id, prev);
  }
  let end: string | null = null;
  let total = 0;
  for (const s of steps) {
    const f = finish.get(s.id) ?? 0;
    if (f > total) {
      total = f;
      end = s.id;
    }
  }
  const chain: string[] = [];
  for (let cur = end; cur !== null; cur = via.get(cur) ?? null) chain.unshift(cur);
  const stepIds = chain.flatMap((id) => {
    const step = byId.get(id)!;
    if (step.type !== 'subproject' || !step.steps?.length) return [id];
    return [id, ...computeCriticalPath(step.steps).stepIds.map((inner) => `${id}/${inner}`)];
  });
  return { stepIds, totalMinutes: total, display: fromMinutes(total) };
}
