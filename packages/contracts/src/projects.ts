import { z } from 'zod';
import { IsoDateSchema, UuidSchema } from './common.js';
import { PlanDiffSchema, PlanSchema } from './plans.js';

export const PROJECT_STATUSES = [
  'planning',
  'awaiting_plan_approval',
  'running',
  'paused_for_approval',
  'paused_on_error',
  'paused_for_agent_development',
  'paused_for_agent_improvement',
  'paused_by_user',
  'completed',
  'failed',
  'aborted',
] as const;
export const ProjectStatusSchema = z.enum(PROJECT_STATUSES);
export type ProjectStatus = z.infer<typeof ProjectStatusSchema>;
/** Waiting: for an approval, a person's answer to a failure, a new or improved agent, or a person's resume. */
export const PAUSED_STATUSES: readonly ProjectStatus[] = [
  'paused_for_approval',
  'paused_on_error',
  'paused_for_agent_development',
  'paused_for_agent_improvement',
  'paused_by_user',
];
/** Ended for good: no transition leaves these. */
export const FINAL_STATUSES: readonly ProjectStatus[] = ['completed', 'failed', 'aborted'];

export const ProjectSummarySchema = z.object({
  id: UuidSchema,
  title: z.string(),
  status: ProjectStatusSchema,
  department: z.string().nullable(),
  projectType: z.string().nullable(),
  conversationId: UuidSchema.nullable(),
  currentPlanVersion: z.number().int().nullable(),
  estimatedDurationMinutes: z.number().int().nullable(),
  /** Set once the plan is approved: the run waits for the execution engine. */
  approvedAt: IsoDateSchema.nullable(),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

export const PlanVersionSchema = z.object({
  version: z.number().int().min(1),
  plan: PlanSchema,
  changeSummary: z.string(),
  createdAt: IsoDateSchema,
});
export type PlanVersion = z.infer<typeof PlanVersionSchema>;

/** A project with its current plan and what changed since the previous version. */
export const ProjectDetailSchema = ProjectSummarySchema.extend({
  plan: PlanVersionSchema.nullable(),
  diff: PlanDiffSchema.nullable(),
});
export type ProjectDetail = z.infer<typeof ProjectDetailSchema>;

export const ProjectListQuerySchema = z.object({
  status: ProjectStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional(),
});
export type ProjectListQuery = z.infer<typeof ProjectListQuerySchema>;

export const ProjectPageSchema = z.object({
  projects: z.array(ProjectSummarySchema),
  nextCursor: z.string().nullable(),
});
export type ProjectPage = z.infer<typeof ProjectPageSchema>;

/** Approve exactly the version the person saw: a newer revision makes this a 409. */
export const ApprovePlanBodySchema = z.object({ version: z.number().int().min(1) }).strict();
export type ApprovePlanBody = z.infer<typeof ApprovePlanBodySchema>;
