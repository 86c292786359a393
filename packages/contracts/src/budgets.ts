import { z } from 'zod';
import { IsoDateSchema, UuidSchema } from './common.js';

// Budgets, usage roll-ups and circuit breakers (docs/operations.md#budgets).

export const BUDGET_SCOPES = ['agent', 'project', 'department'] as const;
export const BudgetScopeSchema = z.enum(BUDGET_SCOPES);
export type BudgetScope = z.infer<typeof BudgetScopeSchema>;

/** `total` never resets (a project's whole life); the others reset at the start of each UTC day, ISO week or month. */
export const BUDGET_PERIODS = ['total', 'day', 'week', 'month'] as const;
export const BudgetPeriodSchema = z.enum(BUDGET_PERIODS);
export type BudgetPeriod = z.infer<typeof BudgetPeriodSchema>;

const tokens = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const usd = z.number().positive().max(1_000_000);

export const BudgetSchema = z.object({
  id: UuidSchema,
  scope: BudgetScopeSchema,
  /** Agent name, project id or department name, according to scope. */
  scopeRef: z.string(),
  period: BudgetPeriodSchema,
  tokenSoftLimit: z.number().int().nullable(),
  tokenHardLimit: z.number().int().nullable(),
  costSoftLimitUsd: z.number().nullable(),
  costHardLimitUsd: z.number().nullable(),
  enabled: z.boolean(),
  /** Usage of the current period, summed from the recorded LLM calls when the budget was read. */
  periodStart: IsoDateSchema.nullable(),
  tokensUsed: z.number().int(),
  costUsedUsd: z.number(),
  /** `ok`, `soft` (a soft limit is reached: warned, work continues) or `hard` (work stops for a person). */
  state: z.enum(['ok', 'soft', 'hard']),
  softWarnedAt: IsoDateSchema.nullable(),
  hardStoppedAt: IsoDateSchema.nullable(),
  updatedAt: IsoDateSchema,
});
export type Budget = z.infer<typeof BudgetSchema>;

export const BudgetListSchema = z.object({ budgets: z.array(BudgetSchema) });
export type BudgetList = z.infer<typeof BudgetListSchema>;

/** Creates or replaces the budget of one scope and period (PUT is idempotent on scope + scopeRef + period). */
export const PutBudgetBodySchema = z
  .object({
    scope: BudgetScopeSchema,
    scopeRef: z.string().trim().min(1).max(200),
    period: BudgetPeriodSchema.default('month'),
    tokenSoftLimit: tokens.nullable().default(null),
    tokenHardLimit: tokens.nullable().default(null),
    costSoftLimitUsd: usd.nullable().default(null),
    costHardLimitUsd: usd.nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((b) => [b.tokenSoftLimit, b.tokenHardLimit, b.costSoftLimitUsd, b.costHardLimitUsd].some((v) => v !== null), {
    message: 'set at least one limit (tokenSoftLimit, tokenHardLimit, costSoftLimitUsd or costHardLimitUsd)',
    path: ['tokenHardLimit'],
  })
  .refine((b) => b.tokenSoftLimit === null || b.tokenHardLimit === null || b.tokenSoftLimit <= b.tokenHardLimit, {
    message: 'must not exceed tokenHardLimit',
    path: ['tokenSoftLimit'],
  })
  .refine(
    (b) => b.costSoftLimitUsd === null || b.costHardLimitUsd === null || b.costSoftLimitUsd <= b.costHardLimitUsd,
    {
      message: 'must not exceed costHardLimitUsd',
      path: ['costSoftLimitUsd'],
    },
  );
export type PutBudgetBody = z.infer<typeof PutBudgetBodySchema>;

export const USAGE_GROUPS = ['step', 'project', 'agent', 'department'] as const;
export const UsageGroupSchema = z.enum(USAGE_GROUPS);
export type UsageGroup = z.infer<typeof UsageGroupSchema>;

export const UsageQuerySchema = z
  .object({
    groupBy: UsageGroupSchema.default('agent'),
    /** Only calls of this project (required for `groupBy=step`). */
    projectId: UuidSchema.optional(),
    since: IsoDateSchema.optional(),
    until: IsoDateSchema.optional(),
  })
  .strict()
  .refine((q) => q.groupBy !== 'step' || q.projectId !== undefined, {
    message: 'required when groupBy=step',
    path: ['projectId'],
  });
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

export const UsageRowSchema = z.object({
  /** Step key, project id, agent name or department; null collects calls without one (chat replies outside a project). */
  key: z.string().nullable(),
  /** A readable name where one exists (project title, step name). */
  label: z.string().nullable(),
  calls: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
});
export type UsageRow = z.infer<typeof UsageRowSchema>;

export const UsageReportSchema = z.object({
  groupBy: UsageGroupSchema,
  rows: z.array(UsageRowSchema),
  total: UsageRowSchema.omit({ key: true, label: true }),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;

/**
 * The LLM calls behind one row of a usage report: the same grouping and window, newest first.
 * `key` is the row's key; leave it out for the row of calls without one.
 */
export const UsageCallsQuerySchema = z
  .object({
    groupBy: UsageGroupSchema,
    key: z.string().min(1).max(200).optional(),
    projectId: UuidSchema.optional(),
    since: IsoDateSchema.optional(),
    until: IsoDateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => q.groupBy !== 'step' || q.projectId !== undefined, {
    message: 'required when groupBy=step',
    path: ['projectId'],
  });
export type UsageCallsQuery = z.infer<typeof UsageCallsQuerySchema>;

/** One recorded LLM call (a row of llm_calls), with readable names where they exist. */
export const UsageCallSchema = z.object({
  id: UuidSchema,
  createdAt: IsoDateSchema,
  provider: z.string(),
  model: z.string(),
  agentName: z.string().nullable(),
  agentTitle: z.string().nullable(),
  projectId: UuidSchema.nullable(),
  projectTitle: z.string().nullable(),
  stepKey: z.string().nullable(),
  stepName: z.string().nullable(),
  conversationId: UuidSchema.nullable(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
  durationMs: z.number().int().nullable(),
});
export type UsageCall = z.infer<typeof UsageCallSchema>;

export const UsageCallListSchema = z.object({
  calls: z.array(UsageCallSchema),
  /** How many calls the row has in all; `calls` holds the newest `limit` of them. */
  total: z.number().int(),
});
export type UsageCallList = z.infer<typeof UsageCallListSchema>;

export const CircuitStateSchema = z.enum(['closed', 'open', 'half_open']);
export type CircuitState = z.infer<typeof CircuitStateSchema>;

export const AgentCircuitSchema = z.object({
  agentName: z.string(),
  state: CircuitStateSchema,
  consecutiveFailures: z.number().int(),
  lastFailureAt: IsoDateSchema.nullable(),
  lastError: z.string().nullable(),
  openedAt: IsoDateSchema.nullable(),
  /** When an open circuit lets one trial run through again. */
  retryAt: IsoDateSchema.nullable(),
});
export type AgentCircuit = z.infer<typeof AgentCircuitSchema>;

export const AgentCircuitListSchema = z.object({ circuits: z.array(AgentCircuitSchema) });
export type AgentCircuitList = z.infer<typeof AgentCircuitListSchema>;

/** A project's own per-run limits; null clears one so that the server default applies. */
export const RunLimitsBodySchema = z
  .object({
    maxSteps: z.number().int().min(1).max(100_000).nullable().optional(),
    maxLoops: z.number().int().min(0).max(1000).nullable().optional(),
  })
  .strict();
export type RunLimitsBody = z.infer<typeof RunLimitsBodySchema>;

export const ProjectRunLimitsSchema = z.object({
  projectId: UuidSchema,
  maxSteps: z.number().int(),
  maxLoops: z.number().int(),
  /** Steps of the project that have started running so far. */
  stepsStarted: z.number().int(),
});
export type ProjectRunLimits = z.infer<typeof ProjectRunLimitsSchema>;
