import { ApprovalSchema, CollaborationTypeSchema, IsoDateSchema, RiskLevelSchema, UuidSchema } from '@orchestrator/contracts';
import { z } from 'zod';

// The "needs my action" inbox (SPEC §3.6). Kept here until it moves into @orchestrator/contracts.

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
