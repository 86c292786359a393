/** One LLM call's token usage, recorded by whoever hosts the core (SPEC §2, §3.6b). */
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
  /** Set for calls made by a project step, so cost rolls up per step and project (SPEC §3.6b). */
  projectId?: string;
  stepKey?: string;
}

/** Port: where usage goes (the API writes it to `llm_calls`). */
export interface UsageSink {
  record(context: UsageContext, usage: LlmUsage): Promise<void>;
}
