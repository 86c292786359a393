import type { AgentBuildStatus, AgentDraft, AgentValidation } from '@orchestrator/contracts';
import type { LlmProvider } from '../../llm/provider.js';
import type { UsageSink } from '../../llm/usage.js';
import type { AgentRegistry } from '../../registry/registry.js';
import type { AgentSpec } from '../../workforce/building/types.js';

/** Which build a run belongs to (passed in `configurable` with the thread id). */
export interface BuildContext {
  workspaceId: string;
  buildId: string;
}

/** What a node reports as the build moves on; the host stores it and tells people. */
export interface BuildProgress {
  status: AgentBuildStatus;
  draft?: AgentDraft;
  draftSource?: 'llm' | 'template';
  notes?: string[];
  validation?: AgentValidation;
  approvalId?: string;
  agentName?: string;
  /** Why it stopped (rejected, failed). */
  error?: string | null;
}

export interface ApprovalInput {
  spec: AgentSpec;
  draft: AgentDraft;
  validation: AgentValidation;
  draftSource: 'llm' | 'template';
  notes: string[];
}

/** What a person decided about deploying the agent. */
export interface AgentCreationResume {
  decision: 'approve' | 'reject';
  notes?: string;
  decidedBy?: string;
}

export interface AgentCreationInterrupt {
  kind: 'agent_creation';
  buildId: string;
  approvalId: string;
}

/** Port: the host's side of a build (the API: the build row, approvals, the workspace writer). */
export interface AgentBuildPort {
  /** Persists progress and tells people (socket, chat) when the status changes. Safe to repeat. */
  progress(ctx: BuildContext, update: BuildProgress): Promise<void>;
  /** Raises the approval of the deployment; a repeated call returns the same approval. */
  requestApproval(ctx: BuildContext, input: ApprovalInput): Promise<{ id: string }>;
  /** Writes the files and rows and hot-loads the agent; a repeat after a crash finds it deployed. */
  deploy(
    ctx: BuildContext,
    input: { spec: AgentSpec; draft: AgentDraft; approvalId: string; decidedBy: string | null },
  ): Promise<{ agentName: string }>;
}

export interface AgentCreationDeps {
  registry: () => AgentRegistry;
  llm: LlmProvider;
  usage: UsageSink;
  builds: AgentBuildPort;
  /** Scratch folder for compiling and running draft modules (a temp folder by default). */
  scratchDir?: string;
}

export const agentBuildThreadId = (buildId: string) => `agent-build:${buildId}`;

export const buildContextOf = (config: { configurable?: Record<string, unknown> }): BuildContext => {
  const c = config.configurable ?? {};
  return { workspaceId: String(c.workspaceId), buildId: String(c.buildId) };
};

/** Where the build of a `build_agent` step stands. */
export interface StepBuildState {
  id: string;
  status: AgentBuildStatus;
  agentName: string | null;
  error: string | null;
}

/** Port for the execution graph: the build behind a `build_agent` step. */
export interface StepAgentBuilds {
  /**
   * Finds the build of this project step, or starts one (idempotent). A build that ended without
   * an agent is reported once; asked again after that (a person chose retry) a new build starts.
   */
  ensureForStep(
    ctx: { workspaceId: string; projectId: string },
    step: {
      stepKey: string;
      name: string;
      description: string;
      capability: string | null;
      department: string | null;
      request: string;
    },
  ): Promise<StepBuildState>;
}
