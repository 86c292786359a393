import type { LlmProvider } from '../../llm/provider.js';
import type { UsageSink } from '../../llm/usage.js';
import type { AgentRegistry } from '../../registry/registry.js';

/** What the conversation graph's nodes need from the host. */
export interface ConversationGraphDeps {
  /** The current registry (a getter: hot reload swaps it). */
  registry: () => AgentRegistry;
  llm: LlmProvider;
  usage: UsageSink;
  /** Pause between offline chunks so the reply visibly streams; 0 in tests. */
  chunkDelayMs: number;
}

/** Values every run passes in `configurable` besides `thread_id`. */
export interface ConversationRunContext {
  workspaceId: string;
  conversationId: string;
}

/** Custom stream events the nodes write; the facade forwards them as socket deltas. */
export type ConversationStreamEvent = { type: 'delta'; text: string };
