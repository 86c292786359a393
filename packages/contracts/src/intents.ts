import { z } from 'zod';

export const INTENTS = [
  'DELEGATE',
  'CREATE_PROJECT',
  'BUILD_AGENT',
  'IMPROVE_AGENT',
  'CLARIFY',
  'DIRECT_RESPONSE',
] as const;
export const IntentSchema = z.enum(INTENTS);
export type Intent = z.infer<typeof IntentSchema>;

/** What the orchestrator understood a message to ask (docs/offline-intent-model.md). */
export const IntentResultSchema = z.object({
  intent: IntentSchema,
  confidence: z.number().min(0).max(1),
  /** Department of the target agent, the lead department of a project (`cross` when several), or `new:<area>` for a gap. */
  department: z.string().nullable(),
  /** Best existing agent for DELEGATE / IMPROVE_AGENT. */
  agent: z.string().nullable(),
  /** True when no existing agent can do the work. */
  capabilityGap: z.boolean(),
  scope: z.enum(['project', 'task']).nullable(),
  horizon: z.enum(['short_term', 'long_term']).nullable(),
  /** Set when intent is CLARIFY: one specific question to ask. */
  clarifyingQuestion: z.string().nullable(),
  /** Which path produced it. */
  source: z.enum(['llm', 'offline']),
});
export type IntentResult = z.infer<typeof IntentResultSchema>;

/** One line of an evaluation file (docs/offline-intent-model.md#5-retraining-and-evaluating). */
export const IntentExampleSchema = z.object({
  id: z.string().optional(),
  text: z.string(),
  intent: IntentSchema,
  department: z.string().optional(),
  agent: z.string().optional(),
  difficulty: z.string().optional(),
  history: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })).optional(),
});
export type IntentExample = z.infer<typeof IntentExampleSchema>;
