import { z } from 'zod';
import { RiskLevelSchema } from './agents.js';

export const DURATION_UNITS = ['minutes', 'hours', 'days', 'weeks'] as const;
export const DurationSchema = z
  .object({ value: z.number().positive().max(10_000), unit: z.enum(DURATION_UNITS) })
  .strict();
export type Duration = z.infer<typeof DurationSchema>;

export const STEP_TYPES = ['standard', 'build_agent', 'improve_agent', 'subproject', 'human_approval'] as const;
export const StepTypeSchema = z.enum(STEP_TYPES);
export type StepType = z.infer<typeof StepTypeSchema>;

export const COLLABORATION_TYPES = ['approval', 'guidance', 'review', 'strategy'] as const;
export const CollaborationTypeSchema = z.enum(COLLABORATION_TYPES);
export type CollaborationType = z.infer<typeof CollaborationTypeSchema>;

export const StepIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, _ or -');

/** A step's key in a run: its id, or `subproject/step` for a step of a subproject. */
export const StepKeySchema = z
  .string()
  .max(128)
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}(\/[a-z0-9][a-z0-9_-]{0,63})*$/, 'must be step ids joined by /');

export interface PlanStep {
  id: string;
  name: string;
  description: string;
  type: StepType;
  department: string | null;
  /** Ids of steps at the same level that must finish first. */
  dependsOn: string[];
  assignedAgent: string | null;
  /** A named person who takes part (e.g. "Sarah"), with how they collaborate. */
  assignedHuman: string | null;
  collaboration: CollaborationType | null;
  /** The capability the step needs; a missing one makes the planner insert a build_agent step. */
  capability: string | null;
  riskLevel: z.infer<typeof RiskLevelSchema>;
  estimatedDuration: Duration;
  /** Only for `subproject`: the department's own steps, a DAG of their own. */
  steps?: PlanStep[];
}

export const PlanStepSchema: z.ZodType<PlanStep> = z.lazy(() =>
  z
    .object({
      id: StepIdSchema,
      name: z.string().trim().min(1).max(200),
      description: z.string().max(4000),
      type: StepTypeSchema,
      department: z.string().nullable(),
      dependsOn: z.array(StepIdSchema),
      assignedAgent: z.string().nullable(),
      assignedHuman: z.string().max(120).nullable(),
      collaboration: CollaborationTypeSchema.nullable(),
      capability: z.string().nullable(),
      riskLevel: RiskLevelSchema,
      estimatedDuration: DurationSchema,
      steps: z.array(PlanStepSchema).optional(),
    })
    .strict(),
);

/**
 * How many steps a plan has, as a person counts them: a subproject counts as the steps it holds
 * (it is a group, not work of its own). The chat's plan summary and the plan card both count with
 * this, so the numbers they show always agree.
 */
export function countPlanSteps(steps: readonly PlanStep[]): number {
  return steps.reduce((n, s) => n + (s.steps && s.steps.length > 0 ? countPlanSteps(s.steps) : 1), 0);
}

export const PlanSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** The request the plan answers, as the user wrote it. */
    request: z.string(),
    template: z.string().nullable(),
    /** Lead department, or `cross` when several departments take part. */
    department: z.string(),
    horizon: z.enum(['short_term', 'long_term']),
    steps: z.array(PlanStepSchema).min(1),
    /** Longest dependency chain through the plan, nested subprojects included. */
    criticalPath: z.object({
      stepIds: z.array(z.string()),
      totalMinutes: z.number().nonnegative(),
      display: DurationSchema,
    }),
    /** Things a person should know: unavailable agents, assumptions, gaps. */
    warnings: z.array(z.string()),
  })
  .strict();
export type Plan = z.infer<typeof PlanSchema>;

export const PlanDiffSchema = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(
    z.object({
      stepId: z.string(),
      fields: z.array(z.object({ field: z.string(), before: z.string(), after: z.string() })),
    }),
  ),
  /** Human summary, e.g. "Budget planning: 1 week → 2 weeks". */
  summary: z.array(z.string()),
});
export type PlanDiff = z.infer<typeof PlanDiffSchema>;
