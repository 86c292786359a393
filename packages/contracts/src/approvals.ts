import { z } from 'zod';
import { AutonomyLevelSchema, RiskLevelSchema } from './agents.js';
import { IsoDateSchema, UuidSchema } from './common.js';
import { StepStatusSchema } from './execution.js';
import { CollaborationTypeSchema } from './plans.js';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;
export const ApprovalStatusSchema = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

/** "What will happen" if approved: shown before anyone decides. */
export const ApprovalPreviewSchema = z.object({
  summary: z.string(),
  /** The step's input / the action's parameters, as shown to the approver. */
  details: z.record(z.string(), z.unknown()),
});
export type ApprovalPreview = z.infer<typeof ApprovalPreviewSchema>;

export const APPROVAL_KINDS = ['action', 'plan', 'agent_creation', 'agent_improvement', 'budget'] as const;
export const ApprovalKindSchema = z.enum(APPROVAL_KINDS);
export type ApprovalKind = z.infer<typeof ApprovalKindSchema>;

export const ApprovalSchema = z.object({
  id: UuidSchema,
  /** A project step's action, or a workforce change (deploying a built agent, applying an improvement). */
  kind: ApprovalKindSchema,
  /** Null for approvals raised outside a project (an agent built from the chat). */
  projectId: UuidSchema.nullable(),
  projectTitle: z.string().nullable(),
  stepKey: z.string(),
  stepName: z.string(),
  agentName: z.string().nullable(),
  department: z.string().nullable(),
  action: z.string(),
  riskLevel: RiskLevelSchema,
  status: ApprovalStatusSchema,
  preview: ApprovalPreviewSchema,
  requestedAt: IsoDateSchema,
  expiresAt: IsoDateSchema.nullable(),
  decidedAt: IsoDateSchema.nullable(),
  decidedBy: z.string().nullable(),
  decisionNotes: z.string().nullable(),
  /** 0 = the nearest responsible level; +1 per escalation up the reportsTo line. */
  escalationLevel: z.number().int(),
  escalatedTo: z.string().nullable(),
  /**
   * Approved when its step was reached, by a standing approval of the project ("approve the
   * remaining steps at this risk or below"); `decidedBy` names the person who gave it.
   */
  viaStandingApproval: z.boolean().optional(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

/**
 * How far "approve the remaining steps of this project" may reach. Critical steps are left out on
 * purpose: each one always gets a person's own decision.
 */
export const STANDING_RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const StandingRiskSchema = z.enum(STANDING_RISK_LEVELS);
export type StandingRisk = z.infer<typeof StandingRiskSchema>;

/** A person's approval, given in advance, of a project's later steps at `maxRisk` or below. */
export const StandingApprovalSchema = z.object({
  projectId: UuidSchema,
  maxRisk: StandingRiskSchema,
  /** The display name of the person who gave it. */
  grantedBy: z.string(),
  grantedAt: IsoDateSchema,
});
export type StandingApproval = z.infer<typeof StandingApprovalSchema>;

/** At most this many characters of each input are sent with an approval; the rest is one request away. */
export const APPROVAL_INPUT_CHARS = 6000;

/** What the step waiting for approval builds on: the result of a step it depends on. */
export const ApprovalInputSchema = z.object({
  stepKey: z.string(),
  stepName: z.string(),
  /** The agent that produced it (its name; the web shows the title). */
  agentName: z.string().nullable(),
  status: StepStatusSchema,
  /** The result as Markdown or plain text, cut at APPROVAL_INPUT_CHARS; null when there is none yet. */
  content: z.string().nullable(),
  contentType: z.string().nullable(),
  /** True when `content` is only the start: the full result is at GET /api/projects/:id/steps/:stepKey/result. */
  truncated: z.boolean(),
  sizeBytes: z.number().int().nullable(),
});
export type ApprovalInput = z.infer<typeof ApprovalInputSchema>;

/** A later step of the same project that will wait for a person when the run reaches it. */
export const UpcomingApprovalSchema = z.object({
  stepKey: z.string(),
  stepName: z.string(),
  agentName: z.string().nullable(),
  riskLevel: RiskLevelSchema,
  /**
   * Always decided on its own, never by a standing approval: an approval checkpoint of the plan,
   * a step a named person must approve, a new agent to deploy, or critical risk.
   */
  individual: z.boolean(),
  /** The project's standing approval will approve it when it is reached. */
  covered: z.boolean(),
});
export type UpcomingApproval = z.infer<typeof UpcomingApprovalSchema>;

/** One approval with what a person needs to decide it (GET /api/approvals/:id). */
export const ApprovalDetailSchema = ApprovalSchema.extend({
  /** Who started the project (display name); null outside a project or when unknown. */
  requestedBy: z.string().nullable(),
  /** The autonomy that made the step wait (the project's, else its department's); null outside a project. */
  autonomy: AutonomyLevelSchema.nullable(),
  /** The results of the steps it depends on, in plan order. */
  inputs: z.array(ApprovalInputSchema),
  /** The project's next steps that will need approval (at most 10), in plan order. */
  upcoming: z.array(UpcomingApprovalSchema),
  standing: StandingApprovalSchema.nullable(),
});
export type ApprovalDetail = z.infer<typeof ApprovalDetailSchema>;

/** POST /api/projects/:id/approvals/approve-remaining */
export const ApproveRemainingBodySchema = z
  .object({ maxRisk: StandingRiskSchema, notes: z.string().max(4000).optional() })
  .strict();
export type ApproveRemainingBody = z.infer<typeof ApproveRemainingBodySchema>;

export const ApproveRemainingResultSchema = z.object({
  standing: StandingApprovalSchema,
  /** The approvals of the project that waited and were approved now. */
  approved: z.array(ApprovalSchema),
  upcoming: z.array(UpcomingApprovalSchema),
});
export type ApproveRemainingResult = z.infer<typeof ApproveRemainingResultSchema>;

export const ApprovalListQuerySchema = z.object({
  status: ApprovalStatusSchema.optional(),
  projectId: UuidSchema.optional(),
  riskLevel: RiskLevelSchema.optional(),
  department: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ApprovalListQuery = z.infer<typeof ApprovalListQuerySchema>;

export const ApprovalPageSchema = z.object({ approvals: z.array(ApprovalSchema), nextCursor: z.string().nullable() });
export type ApprovalPage = z.infer<typeof ApprovalPageSchema>;

export const DecisionSchema = z.enum(['approve', 'reject']);
export type Decision = z.infer<typeof DecisionSchema>;

export const DecideApprovalBodySchema = z
  .object({ decision: DecisionSchema, notes: z.string().max(4000).optional() })
  .strict();
export type DecideApprovalBody = z.infer<typeof DecideApprovalBodySchema>;

export const BulkDecideBodySchema = z
  .object({
    ids: z.array(UuidSchema).min(1).max(200),
    decision: DecisionSchema,
    notes: z.string().max(4000).optional(),
  })
  .strict();
export type BulkDecideBody = z.infer<typeof BulkDecideBodySchema>;

/** Per id: the decided approval, or why it could not be decided (already decided, not found). */
export const BulkDecideResultSchema = z.object({
  results: z.array(
    z.object({
      id: UuidSchema,
      ok: z.boolean(),
      approval: ApprovalSchema.optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});
export type BulkDecideResult = z.infer<typeof BulkDecideResultSchema>;

export const AuditEntrySchema = z.object({
  id: UuidSchema,
  actorType: z.enum(['user', 'agent', 'system']),
  actor: z.string(),
  /** A person's display name; an agent's or component's name as is. */
  actorName: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  projectId: UuidSchema.nullable(),
  stepKey: z.string().nullable(),
  riskLevel: RiskLevelSchema.nullable(),
  mode: z.enum(['automatic', 'approved', 'manual']),
  approvalId: UuidSchema.nullable(),
  result: z.enum(['success', 'failure']),
  createdAt: IsoDateSchema,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditListQuerySchema = z.object({
  projectId: UuidSchema.optional(),
  actor: z.string().max(120).optional(),
  action: z.string().max(120).optional(),
  mode: z.enum(['automatic', 'approved', 'manual']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type AuditListQuery = z.infer<typeof AuditListQuerySchema>;

export const AuditPageSchema = z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPageSchema>;

// The personal "needs my action" inbox: approvals and steps assigned to a person.

/** A plan step assigned to a person, waiting for them (approval, guidance, review, strategy). */
export const InboxHumanStepSchema = z.object({
  projectId: UuidSchema,
  projectTitle: z.string(),
  stepKey: z.string(),
  /** The step's name, as in ProjectStep. */
  name: z.string(),
  description: z.string(),
  assignedHuman: z.string().nullable(),
  collaboration: CollaborationTypeSchema.nullable(),
  riskLevel: RiskLevelSchema,
  dueAt: IsoDateSchema.nullable(),
  overdue: z.boolean(),
  lastRemindedAt: IsoDateSchema.nullable(),
  waitingSince: IsoDateSchema,
});
export type InboxHumanStep = z.infer<typeof InboxHumanStepSchema>;

/** Newest first in each list; at most 200 of each. */
export const InboxSchema = z.object({
  approvals: z.array(ApprovalSchema),
  humanSteps: z.array(InboxHumanStepSchema),
});
export type Inbox = z.infer<typeof InboxSchema>;
