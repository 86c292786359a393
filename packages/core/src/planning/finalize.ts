import { PlanSchema, type Plan, type PlanStep } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { computeCriticalPath } from './critical-path.js';
import { validatePlan } from './dag.js';
import { fromMinutes, MINUTES_PER_WEEK } from './duration.js';
import { PlanError } from './errors.js';
import type { Deadline } from './request.js';
import { maxRisk } from './risk.js';
import type { AgentMatcher } from './types.js';
import { derivedWarnings, isDerivedWarning } from './warnings.js';

/** Two weeks of work, or a deadline a month or more out, make a long-term project. */
const LONG_TERM_MINUTES = 2 * MINUTES_PER_WEEK;

export interface PlanDraft {
  title: string;
  request: string;
  template: string | null;
  department: string;
  horizon: Plan['horizon'] | null;
  steps: PlanStep[];
  /** Warnings from earlier versions; derived ones are dropped and recomputed. */
  warnings: string[];
  deadline: Deadline | null;
  longTermWords: boolean;
}

/** A subproject's estimate and risk follow its own steps. */
export function refreshSubprojects(steps: PlanStep[]): void {
  for (const s of steps) {
    if (s.type !== 'subproject' || !s.steps?.length) continue;
    refreshSubprojects(s.steps);
    s.estimatedDuration = fromMinutes(computeCriticalPath(s.steps).totalMinutes);
    s.riskLevel = maxRisk(s.steps.map((i) => i.riskLevel));
  }
}

/** Recomputes what follows from the steps, then refuses to hand out an invalid plan. */
export function finalizePlan(draft: PlanDraft, registry: AgentRegistry, match: AgentMatcher): Plan {
  refreshSubprojects(draft.steps);
  const criticalPath = computeCriticalPath(draft.steps);
  const horizon =
    draft.horizon ??
    (draft.longTermWords ||
    criticalPath.totalMinutes >= LONG_TERM_MINUTES ||
    (draft.deadline?.minutes ?? 0) >= 2 * LONG_TERM_MINUTES
      ? 'long_term'
      : 'short_term');
  const warnings = [
    ...draft.warnings.filter((w) => !isDerivedWarning(w)),
    ...derivedWarnings(draft.steps, criticalPath, draft.deadline, registry, match),
  ];
  const plan: Plan = {
    title: draft.title.trim().slice(0, 200) || 'Project plan',
    request: draft.request,
    template: draft.template,
    department: draft.department,
    horizon,
    steps: draft.steps,
    criticalPath,
    warnings,
  };
  const { ok, errors } = validatePlan(plan, registry);
  if (!ok) throw new PlanError(errors);
  return PlanSchema.parse(plan);
}
