import type { AgentDraft, AgentTemplateId, AgentValidation, RiskLevel } from '@orchestrator/contracts';

/**
 * Who the new agent is: decided before drafting, from the request, the template and the
 * registry. Organisation facts (name, department, manager) never come from a model.
 */
export interface AgentSpec {
  request: string;
  template: AgentTemplateId;
  name: string;
  title: string;
  department: string;
  /** Human label of the department ("Legal", "Localization"). */
  departmentLabel: string;
  /** True when no agent works in this department yet. */
  isNewDepartment: boolean;
  reportsTo: string;
  type: 'context' | 'function';
  capabilities: string[];
  keywords: string[];
  description: string;
  riskDefault: RiskLevel;
  riskActions: Record<string, RiskLevel>;
  /** The capability a plan step asked for (a `build_agent` step), if any. */
  capability: string | null;
}

/** What drafting produced and how. */
export interface DraftResult {
  draft: AgentDraft;
  /** `template`: the offline drafter filled in the template (said so in every summary). */
  source: 'llm' | 'template';
  /** Why the model's draft was not used, when it was tried and failed. */
  notes: string[];
}

export type { AgentDraft, AgentValidation };
