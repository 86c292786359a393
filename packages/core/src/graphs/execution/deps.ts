import type { AgentLoadTracker } from '../../delegation/ports.js';
import type { StepAgentBuilds } from '../agent-creation/deps.js';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ApprovalRequester, ExecutionGuard, ExecutionStore, StepCommit } from '../../execution/ports.js';
import type { LlmProvider } from '../../llm/provider.js';
import type { UsageSink } from '../../llm/usage.js';
import type { AgentRegistry } from '../../registry/registry.js';
import type { CapabilityIndex } from '../../routing/capability-index.js';

export interface ExecutionGraphDeps {
  registry: () => AgentRegistry;
  index: () => CapabilityIndex;
  agentsDir: string;
  llm: LlmProvider;
  usage: UsageSink;
  store: ExecutionStore;
  approvals: ApprovalRequester;
  loads: AgentLoadTracker;
  /** Retries of a transient failure on the same agent before trying another. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How long a step waits for a busy agent to have room (default 10 min). */
  capacityWaitMs?: number;
  sleep: (ms: number) => Promise<void>;
  /** Budgets, run limits and circuit breakers (SPEC §3.6b); absent: nothing is limited. */
  guard?: ExecutionGuard;
  /** `build_agent` steps: the agent-creation builds behind them; absent: a person decides. */
  agentBuilds?: StepAgentBuilds;
  /** Set by the graph from its checkpointer: commits a node's bookkeeping with its saved result. */
  stepCommit?: (config: LangGraphRunnableConfig) => StepCommit;
}

export const projectThreadId = (projectId: string) => `project:${projectId}`;
