import {
  departmentLabel,
  type CollaborationType,
  type Duration,
  type Plan,
  type PlanStep,
  type ProjectStatus,
  type StepType,
} from '@orchestrator/contracts';

/**
 * Business calendar, the same as the planner's (`@orchestrator/core` planning/duration): a day
 * is 8 working hours, a week 5 working days. The web does not depend on core, so it is restated.
 */
export const MINUTES_PER_HOUR = 60;
export const MINUTES_PER_DAY = 8 * MINUTES_PER_HOUR;
export const MINUTES_PER_WEEK = 5 * MINUTES_PER_DAY;

const roundHalf = (n: number): number => Math.max(0.5, Math.round(n * 2) / 2);

/** "1 week", "2.5 days", "30 minutes". */
export function formatDuration(duration: Duration): string {
  const singular = duration.unit.slice(0, -1);
  return `${duration.value.toLocaleString()} ${duration.value === 1 ? singular : duration.unit}`;
}

/** Minutes in the largest sensible unit, rounded to half units: 21600 → "9 weeks". */
export function formatMinutes(minutes: number): string {
  if (minutes >= MINUTES_PER_WEEK)
    return formatDuration({ value: roundHalf(minutes / MINUTES_PER_WEEK), unit: 'weeks' });
  if (minutes >= MINUTES_PER_DAY) return formatDuration({ value: roundHalf(minutes / MINUTES_PER_DAY), unit: 'days' });
  if (minutes >= MINUTES_PER_HOUR)
    return formatDuration({ value: roundHalf(minutes / MINUTES_PER_HOUR), unit: 'hours' });
  return formatDuration({ value: Math.max(1, Math.round(minutes)), unit: 'minutes' });
}

/** Anything laid out as a dependency graph: plan steps, running steps. */
export interface DagItem {
  id: string;
  dependsOn: string[];
}

/**
 * Steps in dependency order: each time, the first step in the plan's own order whose
 * dependencies are all listed comes next. Steps caught in a cycle or waiting on an unknown id
 * (the API rejects both, but an old stored plan might have one) are appended in plan order.
 */
export function orderSteps<T extends DagItem>(steps: T[]): T[] {
  const ids = new Set(steps.map((step) => step.id));
  const placed = new Set<string>();
  const ordered: T[] = [];
  const ready = (step: T) => !placed.has(step.id) && step.dependsOn.every((dep) => placed.has(dep) || !ids.has(dep));
  for (let next = steps.find(ready); next; next = steps.find(ready)) {
    placed.add(next.id);
    ordered.push(next);
  }
  for (const step of steps) if (!placed.has(step.id)) ordered.push(step);
  return ordered;
}

/** Depth of each step in its DAG (0 = nothing to wait for), for the compact graph. */
export function stepLayers(steps: DagItem[]): Map<string, number> {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const depth = new Map<string, number>();
  for (const step of orderSteps(steps)) {
    const before = step.dependsOn.map((dep) => (byId.has(dep) ? (depth.get(dep) ?? 0) : -1));
    depth.set(step.id, before.length === 0 ? 0 : Math.max(...before) + 1);
  }
  return depth;
}

/** One department's share of the plan: the top level, or one subproject (nested ones flattened). */
export interface StepGroup {
  /** `main`, or the id of the subproject step. */
  id: string;
  title: string;
  department: string | null;
  /** The subproject step this group expands; null for the top level. */
  parentStepId: string | null;
  steps: PlanStep[];
}

export function groupPlan(plan: Plan): StepGroup[] {
  const groups: StepGroup[] = [
    {
      id: 'main',
      title: departmentLabel(plan.department),
      department: plan.department,
      parentStepId: null,
      steps: orderSteps(plan.steps),
    },
  ];
  const visit = (steps: PlanStep[]) => {
    for (const step of orderSteps(steps)) {
      if (!step.steps || step.steps.length === 0) continue;
      const department = step.department ? departmentLabel(step.department) : null;
      groups.push({
        id: step.id,
        title: department ? `${department} — ${step.name}` : step.name,
        department: step.department,
        parentStepId: step.id,
        steps: orderSteps(step.steps),
      });
      visit(step.steps);
    }
  };
  visit(plan.steps);
  return groups;
}

/** Every step at any depth, by id. */
export function indexSteps(steps: PlanStep[], into = new Map<string, PlanStep>()): Map<string, PlanStep> {
  for (const step of steps) {
    into.set(step.id, step);
    if (step.steps) indexSteps(step.steps, into);
  }
  return into;
}

export const STEP_TYPE_LABEL: Record<StepType, string> = {
  standard: 'Standard',
  build_agent: 'Build agent',
  improve_agent: 'Improve agent',
  subproject: 'Subproject',
  human_approval: 'Human approval',
};

export const COLLABORATION_LABEL: Record<CollaborationType, string> = {
  approval: 'approval',
  guidance: 'guidance',
  review: 'review',
  strategy: 'strategy',
};

export const HORIZON_LABEL: Record<Plan['horizon'], string> = {
  short_term: 'Short-term',
  long_term: 'Long-term',
};

export type TagSeverity = 'success' | 'warn' | 'secondary' | 'info' | 'contrast' | 'danger';

export const STATUS_LOOK: Record<ProjectStatus, { label: string; severity: TagSeverity }> = {
  planning: { label: 'Planning', severity: 'secondary' },
  awaiting_plan_approval: { label: 'Awaiting approval', severity: 'warn' },
  running: { label: 'Running', severity: 'info' },
  paused_for_approval: { label: 'Paused for approval', severity: 'warn' },
  paused_on_error: { label: 'Paused on error', severity: 'danger' },
  paused_for_agent_development: { label: 'Paused: agent being built', severity: 'warn' },
  paused_for_agent_improvement: { label: 'Paused: agent being improved', severity: 'warn' },
  paused_by_user: { label: 'Paused by user', severity: 'secondary' },
  completed: { label: 'Completed', severity: 'success' },
  failed: { label: 'Failed', severity: 'danger' },
  aborted: { label: 'Aborted', severity: 'contrast' },
};

/** What a person should see: an approved plan still "awaiting approval" is approved. */
export function statusLook(status: ProjectStatus, approvedAt: string | null): { label: string; severity: TagSeverity } {
  if (approvedAt && status === 'awaiting_plan_approval') return { label: 'Approved', severity: 'success' };
  return STATUS_LOOK[status];
}

/** Approved, and nothing runs it yet: there is no execution engine in this release. */
export function isAwaitingEngine(project: { status: ProjectStatus; approvedAt: string | null }): boolean {
  return project.approvedAt !== null && project.status === 'awaiting_plan_approval';
}

export const AWAITING_ENGINE_TEXT = 'Approved — waiting for the execution engine';

/**
 * An approved plan's card says what became of the project, without contradicting "approved": the
 * plan was approved, and a *step* may be waiting for its own approval.
 */
export const APPROVED_PLAN_TEXT: Record<ProjectStatus, string> = {
  planning: 'Approved.',
  awaiting_plan_approval: 'Approved.',
  running: 'Approved. The project is running.',
  paused_for_approval: 'Approved. One of its steps now waits for its own approval.',
  paused_on_error: 'Approved. The project stopped at a problem that needs a person.',
  paused_for_agent_development: 'Approved. The project waits for a new agent to be built.',
  paused_for_agent_improvement: 'Approved. The project waits for an agent to be improved.',
  paused_by_user: 'Approved. Someone paused the project.',
  completed: 'Approved. The project is complete.',
  failed: 'Approved. The project failed.',
  aborted: 'Approved. The project was stopped.',
};

/** What Refine puts in the chat composer. */
export const REFINE_HINT = 'Refine the plan: ';
