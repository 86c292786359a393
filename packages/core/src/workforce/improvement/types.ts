import type { AgentDefinition } from '@orchestrator/contracts';

/** Why an improvement was proposed (agent_improvements.trigger_type). */
export type ImprovementTriggerType = 'user_feedback' | 'performance_metrics' | 'project_failure' | 'manual';

/** A rated task of the agent (delegation_history), worst first. */
export interface RatingEvidence {
  rating: number;
  comment: string | null;
  task: string;
}

/** A failed task of the agent (project_errors or a failed delegation). */
export interface ErrorEvidence {
  category: string;
  message: string;
}

/** A step the agent was to run that a reviewer rejected, with the reviewer's notes. */
export interface RejectionEvidence {
  action: string;
  notes: string;
}

/** What the proposal is based on besides the feedback itself. */
export interface ImprovementEvidence {
  ratings: RatingEvidence[];
  errors: ErrorEvidence[];
  rejections: RejectionEvidence[];
  /** Finished tasks behind `errors` (for the error rate), when known. */
  recentTasks?: { total: number; failed: number };
}

export const NO_EVIDENCE: ImprovementEvidence = { ratings: [], errors: [], rejections: [] };

/** The agent as it is now: the proposal is made against (and applied on top of) this version. */
export interface AgentSnapshot {
  name: string;
  version: number;
  contextMd: string;
  definition: AgentDefinition;
}

export interface ProposeInput {
  agent: AgentSnapshot;
  triggerType: ImprovementTriggerType;
  /** The feedback in the person's (or reviewer's) words; a summary of the metric for metric triggers. */
  feedback: string;
  evidence: ImprovementEvidence;
}

/** A revised Context.md with the reason for it and the unified diff against the base version. */
export interface ImprovementProposal {
  agentName: string;
  baseVersion: number;
  contextMd: string;
  reason: string;
  diff: string;
  /** `llm`: written by the configured model; `offline`: the deterministic guidance merge. */
  source: 'llm' | 'offline';
  /** False when the feedback is already in Context.md: there is nothing to apply. */
  changed: boolean;
}
