import type { LlmProvider } from '../../llm/provider.js';
import type { UsageSink } from '../../llm/usage.js';
import type { AgentLoadTracker, DelegationStore } from '../../delegation/ports.js';
import type { IntentClassifier } from '../../intent/index.js';
import type { ProjectStore } from '../../projects/ports.js';
import type { AgentRegistry } from '../../registry/registry.js';
import type { CapabilityIndex } from '../../routing/capability-index.js';
import type { AgentSpec } from '../../workforce/building/types.js';
import type { ChatImprovements } from '../../workforce/improvement/chat.js';

/** What the conversation graph's nodes need from the host. */
export interface ConversationGraphDeps {
  /** The current registry and its capability index (getters: hot reload swaps them). */
  registry: () => AgentRegistry;
  index: () => CapabilityIndex;
  /** Folder of the agent definitions (function agents' modules live there). */
  agentsDir: string;
  llm: LlmProvider;
  intents: IntentClassifier;
  usage: UsageSink;
  projects: ProjectStore;
  delegations: DelegationStore;
  loads: AgentLoadTracker;
  /** The offline model's typing pace: pause between chunks of its own prose; 0 in tests. Computed results are never paced. */
  chunkDelayMs: number;
  /** Waits between polls for a busy function agent's slot (a timer; tests may pass time faster). */
  sleep: (ms: number) => Promise<void>;
  /** IMPROVE_AGENT: turns chat feedback into a Context.md proposal awaiting approval (absent: the reply says it cannot). */
  improvements?: ChatImprovements;
  /** BUILD_AGENT: starts building a new agent in the background (absent: the reply only proposes one). */
  agentBuilds?: AgentBuildStarter;
}

/** Port: starts an agent build that runs in the background and reports in this conversation. */
export interface AgentBuildStarter {
  start(input: {
    workspaceId: string;
    conversationId: string;
    userId: string | null;
    request: string;
    departmentHint: string | null;
  }): Promise<{ id: string; spec: AgentSpec }>;
}

/** Values every run passes in `configurable` besides `thread_id`. */
export interface ConversationRunContext {
  workspaceId: string;
  conversationId: string;
  userId: string | null;
}

export const runContext = (config: { configurable?: Record<string, unknown> }): ConversationRunContext => {
  const c = config.configurable ?? {};
  return {
    workspaceId: String(c.workspaceId),
    conversationId: String(c.conversationId),
    userId: c.userId ? String(c.userId) : null,
  };
};
