import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { LlmProvider } from './provider.js';
import { usageOf, type UsageContext, type UsageSink } from './usage.js';
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
  await deps.usage.record(usageContext, usageOf(deps.llm.info, full, started, agentName));
  if (!text.trim()) throw new Error('The language model returned an empty answer');
  return text;
}
