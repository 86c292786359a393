import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { LlmProvider } from './provider.js';
import type { UsageContext, UsageSink } from './usage.js';
import { emitDelta } from './stream.js';

/**
 * Streams one chat completion to the conversation (token by token), records its usage, and
 * returns the text. Callbacks are not forwarded: tokens reach the socket through the graph's
 * custom stream.
 */
export async function streamCompletion(
  deps: { llm: LlmProvider; usage: UsageSink },
  config: LangGraphRunnableConfig,
  prompt: BaseMessage[],
  agentName: string,
  usageContext: UsageContext,
): Promise<string> {
  const model = deps.llm.chatModel;
  if (!model) throw new Error('streamCompletion called without a chat model');
  const started = Date.now();
  let full: AIMessageChunk | undefined;
  let text = '';
  for await (const chunk of await model.stream(prompt, { signal: config.signal })) {
    full = full ? full.concat(chunk) : chunk;
    const piece = typeof chunk.content === 'string' ? chunk.content : '';
    if (piece) {
      text += piece;
      emitDelta(config, piece);
    }
  }
  const usage = full?.usage_metadata;
  await deps.usage.record(usageContext, {
    provider: deps.llm.info.provider,
    model: deps.llm.info.model,
    promptTokens: usage?.input_tokens ?? 0,
    completionTokens: usage?.output_tokens ?? 0,
    durationMs: Date.now() - started,
    agentName,
  });
  if (!text.trim()) throw new Error('The language model returned an empty answer');
  return text;
}
