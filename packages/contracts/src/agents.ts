import { z } from 'zod';

export const AGENT_TYPES = ['orchestrator', 'context', 'function'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const AUTONOMY_LEVELS = ['supervised', 'semi_autonomous', 'autonomous'] as const;
export const AGENT_STATUSES = ['online', 'busy', 'offline', 'being_created', 'being_improved', 'retired'] as const;

export const AgentTypeSchema = z.enum(AGENT_TYPES);
export const RiskLevelSchema = z.enum(RISK_LEVELS);
export const AutonomyLevelSchema = z.enum(AUTONOMY_LEVELS);
export const AgentStatusSchema = z.enum(AGENT_STATUSES);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;
export type AutonomyLevel = z.infer<typeof AutonomyLevelSchema>;

const snakeId = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be snake_case: lowercase letters, digits and _');

/** `agent.yaml` — see docs/agent-definition.md. Unknown keys are rejected so typos surface. */
export const AgentDefinitionSchema = z
  .object({
    name: snakeId,
    title: z.string().trim().min(1).max(120),
    department: z.string().regex(/^[a-z][a-z0-9_-]{1,40}$/, 'must be a lowercase slug'),
    type: AgentTypeSchema,
    reportsTo: snakeId.nullable(),
    description: z.string().trim().min(1).max(1000),
    capabilities: z.array(snakeId).min(1).max(20),
    keywords: z.array(z.string().trim().min(1).max(60)).max(40).default([]),
    risk: z
      .object({
        default: RiskLevelSchema,
        actions: z.record(snakeId, RiskLevelSchema).default({}),
      })
      .strict(),
    autonomy: AutonomyLevelSchema.optional(),
    model: z
      .object({
        provider: z.enum(['default', 'openai', 'anthropic', 'ollama']).default('default'),
        name: z.string().min(1).optional(),
        temperature: z.number().min(0).max(2).optional(),
        maxTokens: z.number().int().min(1).max(200_000).optional(),
      })
      .strict()
      .default({ provider: 'default' }),
    limits: z
      .object({ maxConcurrent: z.number().int().min(1).max(100).default(1) })
      .strict()
      .default({ maxConcurrent: 1 }),
  })
  .strict();
export type AgentDefinition = z.infer<typeof AgentDefinitionSchema>;

/** An agent as the API returns it: the definition plus registry state. */
export const AgentSummarySchema = z.object({
  name: z.string(),
  title: z.string(),
  department: z.string(),
  type: AgentTypeSchema,
  reportsTo: z.string().nullable(),
  description: z.string(),
  capabilities: z.array(z.string()),
  status: AgentStatusSchema,
  currentLoad: z.number().int(),
  maxConcurrent: z.number().int(),
  /** Set when the files on disk are invalid: the path and the exact problem. */
  loadError: z.string().nullable(),
});
export type AgentSummary = z.infer<typeof AgentSummarySchema>;

export const AgentListSchema = z.object({ agents: z.array(AgentSummarySchema) });
export type AgentList = z.infer<typeof AgentListSchema>;

/** A problem found while loading `agents/`, reported with the file and the exact issue. */
export const RegistryProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type RegistryProblem = z.infer<typeof RegistryProblemSchema>;

export const RegistryProblemsSchema = z.object({ problems: z.array(RegistryProblemSchema) });
