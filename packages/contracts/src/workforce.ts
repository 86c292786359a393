import { z } from 'zod';
import { AgentDefinitionSchema, AgentStatusSchema, AgentSummarySchema, AgentTypeSchema } from './agents.js';
import { IsoDateSchema, UuidSchema } from './common.js';

// The Workforce (docs/workforce.md, docs/api.md): agent detail, Context.md versions, building and improving agents.

/** Context.md larger than this is refused (it goes into every prompt of the agent). */
export const CONTEXT_MD_MAX_BYTES = 200_000;

/** Performance of one agent over the last 30 days, rolled up from its tasks and LLM calls. */
export const AgentMetricsSchema = z.object({
  name: z.string(),
  tasks: z.number().int(),
  successes: z.number().int(),
  failures: z.number().int(),
  /** successes ÷ finished tasks; null before the first finished task. */
  successRate: z.number().min(0).max(1).nullable(),
  avgDurationMs: z.number().nullable(),
  ratings: z.number().int(),
  avgRating: z.number().min(1).max(5).nullable(),
  tokens: z.number().int(),
  costUsd: z.number(),
});
export type AgentMetrics = z.infer<typeof AgentMetricsSchema>;

export const AgentMetricsListSchema = z.object({ metrics: z.array(AgentMetricsSchema) });
export type AgentMetricsList = z.infer<typeof AgentMetricsListSchema>;

/** One agent with everything the Workforce detail shows and edits. */
export const AgentDetailSchema = AgentSummarySchema.extend({
  /** The validated agent.yaml; null for an agent whose files are invalid and never loaded. */
  definition: AgentDefinitionSchema.nullable(),
  contextMd: z.string(),
  /** The version a save must name as its base (optimistic concurrency). */
  version: z.number().int().min(1),
  sourcePath: z.string(),
  updatedAt: IsoDateSchema,
  metrics: AgentMetricsSchema,
  /**
   * Content kept as text but worth a look: active HTML (<script>, on…= handlers, javascript:
   * URLs — rendered inert), or front matter (plain text, never settings). Absent when none.
   */
  contentWarnings: z.array(z.string()).optional(),
});
export type AgentDetail = z.infer<typeof AgentDetailSchema>;

export const AGENT_AUTHOR_TYPES = ['user', 'agent', 'system'] as const;

export const AgentVersionSummarySchema = z.object({
  version: z.number().int().min(1),
  authorType: z.enum(AGENT_AUTHOR_TYPES),
  author: z.string(),
  message: z.string(),
  /** Set when this version restored an earlier one. */
  restoredFrom: z.number().int().nullable(),
  contentHash: z.string().nullable(),
  createdAt: IsoDateSchema,
});
export type AgentVersionSummary = z.infer<typeof AgentVersionSummarySchema>;

export const AgentVersionSchema = AgentVersionSummarySchema.extend({
  contextMd: z.string(),
  definition: AgentDefinitionSchema,
});
export type AgentVersion = z.infer<typeof AgentVersionSchema>;

/** Newest first, keyset-paginated. */
export const AgentVersionPageSchema = z.object({
  versions: z.array(AgentVersionSummarySchema),
  nextCursor: z.string().nullable(),
});
export type AgentVersionPage = z.infer<typeof AgentVersionPageSchema>;

export const AgentVersionListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** A unified diff between two versions (or a version and a proposal), per file. */
export const AgentDiffSchema = z.object({
  from: z.number().int().nullable(),
  to: z.number().int().nullable(),
  /** Unified diff text of Context.md (empty when identical). */
  contextDiff: z.string(),
  /** Unified diff text of agent.yaml (empty when identical). */
  definitionDiff: z.string(),
});
export type AgentDiff = z.infer<typeof AgentDiffSchema>;

const saveMessage = z.string().trim().max(500).default('');

/** Save Context.md. `baseVersion` is the version the editor loaded; a newer one wins a 409. */
export const SaveAgentContextBodySchema = z
  .object({
    contextMd: z.string().max(CONTEXT_MD_MAX_BYTES, `Context.md is limited to ${CONTEXT_MD_MAX_BYTES} characters`),
    baseVersion: z.number().int().min(1),
    message: saveMessage,
  })
  .strict();
export type SaveAgentContextBody = z.infer<typeof SaveAgentContextBodySchema>;

/** Save the agent.yaml settings (the name cannot change: it is the agent's identity). */
export const SaveAgentDefinitionBodySchema = z
  .object({ definition: AgentDefinitionSchema, baseVersion: z.number().int().min(1), message: saveMessage })
  .strict();
export type SaveAgentDefinitionBody = z.infer<typeof SaveAgentDefinitionBodySchema>;

/** Restore an earlier version as a new version (history is never rewritten). */
export const RestoreAgentVersionBodySchema = z
  .object({ version: z.number().int().min(1), baseVersion: z.number().int().min(1), message: saveMessage })
  .strict();
export type RestoreAgentVersionBody = z.infer<typeof RestoreAgentVersionBodySchema>;

/**
 * `error.details` of a 409 `agent/version_conflict`: someone saved after the editor loaded.
 * The client shows the diff from its base to the current version and lets the person merge.
 */
export const AgentVersionConflictSchema = z.object({
  baseVersion: z.number().int(),
  currentVersion: z.number().int(),
  current: AgentVersionSchema,
  diff: AgentDiffSchema,
});
export type AgentVersionConflict = z.infer<typeof AgentVersionConflictSchema>;

export const RetireAgentBodySchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export type RetireAgentBody = z.infer<typeof RetireAgentBodySchema>;

/** What retiring did with the agent's pending work. */
export const RetireAgentResultSchema = z.object({
  agent: AgentSummarySchema,
  reassigned: z.array(z.object({ projectId: UuidSchema, stepKey: z.string(), to: z.string().nullable() })),
});
export type RetireAgentResult = z.infer<typeof RetireAgentResultSchema>;

// ---------------------------------------------------------------------------------------------
// Building agents (BUILD_AGENT and `build_agent` steps)

export const AGENT_TEMPLATE_IDS = [
  'customer_service',
  'data_analysis',
  'report_generation',
  'api_integration',
  'data_transformation',
  'department_specialist',
] as const;
export const AgentTemplateIdSchema = z.enum(AGENT_TEMPLATE_IDS);
export type AgentTemplateId = z.infer<typeof AgentTemplateIdSchema>;

export const AgentTemplateSchema = z.object({
  id: AgentTemplateIdSchema,
  name: z.string(),
  description: z.string(),
  type: AgentTypeSchema.exclude(['orchestrator']),
  /** Sections the drafted Context.md will have. */
  sections: z.array(z.string()),
  /** Sample tasks the draft is validated on (the request adds its own). */
  sampleTasks: z.array(z.string()),
});
export type AgentTemplate = z.infer<typeof AgentTemplateSchema>;

export const AgentTemplateListSchema = z.object({ templates: z.array(AgentTemplateSchema) });

export const AGENT_BUILD_STATUSES = [
  'drafting',
  'validating',
  'awaiting_approval',
  'deploying',
  'deployed',
  'rejected',
  'failed',
  'cancelled',
] as const;
export const AgentBuildStatusSchema = z.enum(AGENT_BUILD_STATUSES);
export type AgentBuildStatus = z.infer<typeof AgentBuildStatusSchema>;

/** The drafted agent: its files, before deployment. */
export const AgentDraftSchema = z.object({
  definition: AgentDefinitionSchema,
  contextMd: z.string(),
  /** Function-based agents: the module skeleton (index.ts) and its zod input schema source. */
  moduleSource: z.string().nullable(),
  inputSchemaSource: z.string().nullable(),
});
export type AgentDraft = z.infer<typeof AgentDraftSchema>;

export const ValidationCheckSchema = z.object({ name: z.string(), passed: z.boolean(), detail: z.string() });
export const ValidationTaskResultSchema = z.object({
  task: z.string(),
  passed: z.boolean(),
  /** The draft's answer, cut to a preview. */
  output: z.string(),
  work: z.enum(['function', 'context_llm', 'offline_draft']),
  checks: z.array(ValidationCheckSchema),
  durationMs: z.number().int(),
});
export const AgentValidationSchema = z.object({
  passed: z.boolean(),
  summary: z.string(),
  /** Checks of the files themselves (schema, names, reportsTo, capabilities, hostile content). */
  checks: z.array(ValidationCheckSchema),
  tasks: z.array(ValidationTaskResultSchema),
});
export type AgentValidation = z.infer<typeof AgentValidationSchema>;

export const AgentBuildSchema = z.object({
  id: UuidSchema,
  status: AgentBuildStatusSchema,
  /** What was asked for, in the person's words or the plan step's. */
  request: z.string(),
  template: AgentTemplateIdSchema,
  capability: z.string().nullable(),
  draft: AgentDraftSchema.nullable(),
  validation: AgentValidationSchema.nullable(),
  approvalId: UuidSchema.nullable(),
  conversationId: UuidSchema.nullable(),
  projectId: UuidSchema.nullable(),
  stepKey: z.string().nullable(),
  /** Why it stopped, for rejected / failed builds. */
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});
export type AgentBuild = z.infer<typeof AgentBuildSchema>;

export const AgentBuildPageSchema = z.object({ builds: z.array(AgentBuildSchema), nextCursor: z.string().nullable() });
export type AgentBuildPage = z.infer<typeof AgentBuildPageSchema>;

/** The create-agent wizard (everything but the request is optional: the builder proposes it). */
export const CreateAgentBuildBodySchema = z
  .object({
    request: z.string().trim().min(3).max(2000),
    template: AgentTemplateIdSchema.optional(),
    name: AgentDefinitionSchema.shape.name.optional(),
    title: z.string().trim().min(1).max(120).optional(),
    department: AgentDefinitionSchema.shape.department.optional(),
    reportsTo: AgentDefinitionSchema.shape.name.optional(),
    capabilities: AgentDefinitionSchema.shape.capabilities.optional(),
    type: z.enum(['context', 'function']).optional(),
  })
  .strict();
export type CreateAgentBuildBody = z.infer<typeof CreateAgentBuildBodySchema>;

// ---------------------------------------------------------------------------------------------
// Improving agents (IMPROVE_AGENT)

export const IMPROVEMENT_TRIGGERS = ['user_feedback', 'performance_metrics', 'project_failure', 'manual'] as const;
export const IMPROVEMENT_STATUSES = [
  'proposed',
  'pending_approval',
  'approved',
  'rejected',
  'applied',
  'rolled_back',
  'failed',
] as const;

export const AgentImprovementSchema = z.object({
  id: UuidSchema,
  agentName: z.string(),
  triggerType: z.enum(IMPROVEMENT_TRIGGERS),
  /** The feedback, rating, rejected approval or metric that started it. */
  triggerDetails: z.record(z.string(), z.unknown()),
  reason: z.string(),
  proposedContextMd: z.string(),
  diff: z.string(),
  status: z.enum(IMPROVEMENT_STATUSES),
  baseVersion: z.number().int().nullable(),
  newVersion: z.number().int().nullable(),
  approvalId: UuidSchema.nullable(),
  createdAt: IsoDateSchema,
  appliedAt: IsoDateSchema.nullable(),
  rolledBackAt: IsoDateSchema.nullable(),
});
export type AgentImprovement = z.infer<typeof AgentImprovementSchema>;

export const AgentImprovementListSchema = z.object({ improvements: z.array(AgentImprovementSchema) });

export const ProposeImprovementBodySchema = z.object({ feedback: z.string().trim().min(3).max(4000) }).strict();
export type ProposeImprovementBody = z.infer<typeof ProposeImprovementBodySchema>;

// ---------------------------------------------------------------------------------------------
// Socket events of the workforce (room `workspace:<id>`)

/** Live status of one agent: pushed when its load or lifecycle status changes. */
export const AgentStatusChangedSchema = z.object({
  name: z.string(),
  status: AgentStatusSchema,
  currentLoad: z.number().int(),
  maxConcurrent: z.number().int(),
});
export type AgentStatusChanged = z.infer<typeof AgentStatusChangedSchema>;

/** The registry was reloaded (files changed on disk or through the UI). */
export const RegistryReloadedSchema = z.object({
  agents: z.array(AgentSummarySchema),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type RegistryReloaded = z.infer<typeof RegistryReloadedSchema>;
