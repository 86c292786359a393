import type { AgentLoadTracker } from '../../delegation/ports.js';
import type { StepAgentBuilds } from '../agent-creation/deps.js';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type {
  ApprovalRequester,
  ExecutionGuard,
  ExecutionStore,
  RunContext,
  StepCommit,
} from '../../execution/ports.js';
import type { LlmProvider } from '../../llm/provider.js';
import type { UsageSink } from '../../llm/usage.js';
import type { AgentRegistry } from '../../registry/registry.js';
import type { CapabilityIndex } from '../../routing/capability-index.js';

/** How long a step waits for its agent to have room before that counts as the agent being unavailable. */
export const DEFAULT_CAPACITY_WAIT_MS = 10 * 60_000;

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
  /** Budgets, run limits and circuit breakers (docs/operations.md#budgets); absent: nothing is limited. */
  guard?: ExecutionGuard;
  /** `build_agent` steps: the agent-creation builds behind them; absent: a person decides. */
  agentBuilds?: StepAgentBuilds;
  /** Set by the engine: a pause was asked for this run, so steps that have not started do not start. */
  holding?: (ctx: RunContext) => boolean;
  /**
   * Set by the engine: called as a step begins (`batch`: steps dispatched with it); the step goes
   * once it resolves — at once for a run's first steps, after the runs that are starting for
   * the others (StartsFirst).
   */
  startTurn?: (ctx: RunContext, batch: number) => Promise<void> | undefined;
  /** Set by the graph from its checkpointer: commits a node's bookkeeping with its saved result. */
  stepCommit?: (config: LangGraphRunnableConfig) => StepCommit;
}

export const projectThreadId = (projectId: string) => `project:${projectId}`;

/** Thrown by a step that must not start because its run is being paused (the engine reports `stopped`). */
export class RunHeld extends Error {
  override readonly name = 'RunHeld';
  constructor() {
    super('The run is being paused: this step starts when it resumes.');
  }
}
