import type { UsageMetadata } from '@langchain/core/messages';
import type { LlmInfo } from './provider.js';

/** One LLM call's token usage, recorded by whoever hosts the core (docs/operations.md#budgets). */
export interface LlmUsage {
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
  agentName?: string;
}

export interface UsageContext {
  workspaceId: string;
  conversationId?: string;
  /** Set for calls made by a project step, so cost rolls up per step and project. */
  projectId?: string;
  stepKey?: string;
}

/** Port: where usage goes (the API writes it to `llm_calls`). */
export interface UsageSink {
  record(context: UsageContext, usage: LlmUsage): Promise<void>;
}

/** One reply's usage as the host records it: tokens from the reply's metadata, 0 when the provider reports none. */
export function usageOf(
  llm: LlmInfo,
  reply: { usage_metadata?: UsageMetadata } | undefined,
  startedAt: number,
  agentName: string,
): LlmUsage {
  return {
    provider: llm.provider,
    model: llm.model,
    promptTokens: reply?.usage_metadata?.input_tokens ?? 0,
    completionTokens: reply?.usage_metadata?.output_tokens ?? 0,
    durationMs: Date.now() - startedAt,
    agentName,
  };
}
