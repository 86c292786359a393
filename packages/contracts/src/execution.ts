import { z } from 'zod';
import { RiskLevelSchema } from './agents.js';
import { IsoDateSchema, UuidSchema } from './common.js';
import { CollaborationTypeSchema, StepTypeSchema } from './plans.js';

export const STEP_STATUSES = [
  'pending',
  'ready',
  'running',
  'retrying',
  'pending_approval',
  'waiting_for_human',
  'waiting_for_subproject',
  'waiting_for_agent',
  'completed',
  'failed',
  'skipped',
  'cancelled',
] as const;
export const StepStatusSchema = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof StepStatusSchema>;

/** A step as it runs: the plan step plus its live state. Large results are fetched separately. */
export const ProjectStepSchema = z.object({
  stepKey: z.string(),
  /** `subprojectId/stepId` for steps inside a subproject. */
  parentKey: z.string().nullable(),
  name: z.string(),
  type: StepTypeSchema,
  status: StepStatusSchema,
  department: z.string().nullable(),
  assignedAgent: z.string().nullable(),
  assignedHuman: z.string().nullable(),
  collaboration: CollaborationTypeSchema.nullable(),
  riskLevel: RiskLevelSchema,
  dependencies: z.array(z.string()),
  attempt: z.number().int(),
  /** Short preview of the result (≤ 2 kB); the full result is at /results/:stepKey. */
  resultPreview: z.string().nullable(),
  resultSizeBytes: z.number().int().nullable(),
  startedAt: IsoDateSchema.nullable(),
  completedAt: IsoDateSchema.nullable(),
  /** The assigned agent's Context.md version the step ran with (absent before it ran). */
  contextVersion: z.number().int().min(1).nullable().optional(),
});
export type ProjectStep = z.infer<typeof ProjectStepSchema>;

export const ERROR_CATEGORIES = [
  'validation',
  'llm_rate_limit',
  'llm_timeout',
  'llm_bad_output',
  'agent_unavailable',
  'tool_failure',
  'network',
  'permission',
  'budget',
  'dependency_failed',
  'internal',
  'cancelled',
] as const;
export const ErrorCategorySchema = z.enum(ERROR_CATEGORIES);
export type ErrorCategory = z.infer<typeof ErrorCategorySchema>;

export const ErrorSeveritySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type ErrorSeverity = z.infer<typeof ErrorSeveritySchema>;

export const RECOVERY_ACTIONS = ['retry', 'skip', 'reassign', 'abort'] as const;
export const RecoveryActionSchema = z.enum(RECOVERY_ACTIONS);
export type RecoveryAction = z.infer<typeof RecoveryActionSchema>;

export const ProjectErrorSchema = z.object({
  id: UuidSchema,
  stepKey: z.string().nullable(),
  category: ErrorCategorySchema,
  severity: ErrorSeveritySchema,
  message: z.string(),
  attempt: z.number().int(),
  recoveryAction: z.string().nullable(),
  resolvedAt: IsoDateSchema.nullable(),
  createdAt: IsoDateSchema,
});
export type ProjectError = z.infer<typeof ProjectErrorSchema>;

/** What a person decides for a step paused on error. */
export const RecoverStepBodySchema = z
  .object({ action: RecoveryActionSchema, agent: z.string().optional(), note: z.string().max(2000).optional() })
  .strict()
  .refine((b) => b.action !== 'reassign' || !!b.agent, { message: 'agent is required to reassign', path: ['agent'] });
export type RecoverStepBody = z.infer<typeof RecoverStepBodySchema>;

export const CheckpointInfoSchema = z.object({
  checkpointId: z.string(),
  parentCheckpointId: z.string().nullable(),
  step: z.number().int(),
  source: z.string(),
  createdAt: IsoDateSchema.nullable(),
  /** Steps completed as of this checkpoint. */
  completedSteps: z.array(z.string()),
  /** The steps about to run next, by step key. */
  next: z.array(z.string()),
  /** What happened at this checkpoint, in plain words ("“Market research” completed by Research Analyst"). */
  events: z.array(z.string()),
});
export type CheckpointInfo = z.infer<typeof CheckpointInfoSchema>;

export const ProjectControlBodySchema = z.object({ reason: z.string().max(2000).optional() }).strict();
export type ProjectControlBody = z.infer<typeof ProjectControlBodySchema>;

export const RollbackBodySchema = z
  .object({ checkpointId: z.string().min(1), mode: z.enum(['rollback', 'fork']).default('rollback') })
  .strict();
export type RollbackBody = z.infer<typeof RollbackBodySchema>;

/** Live step change, to the project room. */
export const StepUpdatedSchema = z.object({ projectId: UuidSchema, step: ProjectStepSchema });
export type StepUpdated = z.infer<typeof StepUpdatedSchema>;
