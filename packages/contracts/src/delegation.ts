import { z } from 'zod';
import { UuidSchema } from './common.js';

export const CandidateScoreSchema = z.object({
  agent: z.string(),
  title: z.string(),
  /** Capability match, 0–1. */
  score: z.number().min(0).max(1),
  load: z.number().int().min(0),
  maxConcurrent: z.number().int().min(1),
  available: z.boolean(),
});
export type CandidateScore = z.infer<typeof CandidateScoreSchema>;

/** What a delegated reply carries in `metadata.delegation`. */
export const DelegationInfoSchema = z.object({
  id: UuidSchema,
  agent: z.string(),
  agentTitle: z.string(),
  reason: z.string(),
  candidates: z.array(CandidateScoreSchema),
  /** The agent first chosen, when the work fell back to another one. */
  fallbackFrom: z.string().nullable(),
  /** The output was produced by a function-based agent (real computation). */
  kind: z.enum(['function', 'context_llm', 'offline_draft']),
  rating: z.number().int().min(1).max(5).nullable(),
  /** The agent's Context.md version that produced the answer (absent on older records). */
  contextVersion: z.number().int().min(1).nullable().optional(),
});
export type DelegationInfo = z.infer<typeof DelegationInfoSchema>;

export const RateDelegationBodySchema = z
  .object({ rating: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() })
  .strict();
export type RateDelegationBody = z.infer<typeof RateDelegationBodySchema>;
