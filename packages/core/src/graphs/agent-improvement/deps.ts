import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { LlmProvider } from '../../llm/provider.js';
import type { AgentSnapshot, ImprovementProposal } from '../../workforce/improvement/types.js';

/** LangGraph thread of one improvement: namespaced so it never collides with conversations or projects. */
export const improvementThreadId = (improvementId: string) => `agent-improvement:${improvementId}`;

/** Values every run passes in `configurable` besides `thread_id`. */
export interface ImprovementRunContext {
  workspaceId: string;
  improvementId: string;
}

export const improvementContextOf = (config: LangGraphRunnableConfig): ImprovementRunContext => {
  const c = config.configurable ?? {};
  return { workspaceId: String(c.workspaceId), improvementId: String(c.improvementId) };
};

/** Context.md and definition as they were before applying: restoring them undoes the change. */
export type ImprovementBackup = AgentSnapshot;

export type ApplyOutcome =
  | { kind: 'applied'; newVersion: number; backup: ImprovementBackup }
  /** Someone saved the agent after the proposal was made: nothing was written. */
  | { kind: 'conflict'; currentVersion: number };

export interface ApplyChange {
  agentName: string;
  contextMd: string;
  baseVersion: number;
  message: string;
}

/** Port: the agent's files and versions (the API's AgentWorkspaceService). */
export interface ImprovementAgents {
  /** The agent as it is now; undefined when it is not (or no longer) in the registry. */
  current(ctx: ImprovementRunContext, agentName: string): Promise<AgentSnapshot | undefined>;
  /**
   * Writes the proposal as a new version on top of `baseVersion`. Must be idempotent: a re-run
   * after a crash that finds the proposal already applied reports it as applied.
   */
  apply(ctx: ImprovementRunContext, change: ApplyChange): Promise<ApplyOutcome>;
}

export type ImprovementEnd =
  | { status: 'applied'; newVersion: number; backup: ImprovementBackup }
  | { status: 'rejected'; reason: string }
  | { status: 'failed'; reason: string };

/** Port: the agent_improvements row and the approval that goes with the interrupt. */
export interface ImprovementStore {
  /** Stores the proposal (reason, diff, base version); the row becomes `proposed`. */
  saveProposal(ctx: ImprovementRunContext, proposal: ImprovementProposal): Promise<void>;
  /** Raises (or, on a re-run, finds) the approval; the row becomes `pending_approval`. */
  requestApproval(
    ctx: ImprovementRunContext,
    request: { threadId: string; proposal: ImprovementProposal },
  ): Promise<{ approvalId: string }>;
  /** The end of the workflow: applied (with the backup), rejected, or failed with the reason. */
  finish(ctx: ImprovementRunContext, end: ImprovementEnd): Promise<void>;
}

export interface AgentImprovementGraphDeps {
  llm: LlmProvider;
  agents: ImprovementAgents;
  store: ImprovementStore;
}
