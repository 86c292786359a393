import { AIMessage, SystemMessage, type AIMessageChunk } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ConversationGraphDeps, ConversationRunContext } from '../deps.js';
import { ceoSystemPrompt } from '../prompts.js';
import type { ConversationStateType, ConversationUpdate } from '../state.js';
import { emitDelta } from '../stream.js';

/** How many earlier messages the model sees: enough for follow-ups, bounded for cost. */
const HISTORY_WINDOW = 20;

/** Answers with the configured LLM, streaming tokens as they arrive, and records usage. */
export const answerLlmNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const model = deps.llm.chatModel;
    if (!model) throw new Error('answer_llm reached without a chat model');
    const ctx = config.configurable as ConversationRunContext | undefined;
    const prompt = [new SystemMessage(ceoSystemPrompt(deps.registry())), ...state.messages.slice(-HISTORY_WINDOW)];
    const started = Date.now();
    let full: AIMessageChunk | undefined;
    let text = '';
    // Callbacks are not forwarded: tokens reach the socket through the graph's custom stream.
    for await (const chunk of await model.stream(prompt, { signal: config.signal })) {
      full = full ? full.concat(chunk) : chunk;
      const piece = typeof chunk.content === 'string' ? chunk.content : '';
      if (piece) {
        text += piece;
        emitDelta(config, piece);
      }
    }
    if (!text.trim()) throw new Error('The language model returned an empty answer');
    const usage = full?.usage_metadata;
    if (ctx) {
      await deps.usage.record(
        { workspaceId: ctx.workspaceId, conversationId: ctx.conversationId },
        {
          provider: deps.llm.info.provider,
          model: deps.llm.info.model,
          promptTokens: usage?.input_tokens ?? 0,
          completionTokens: usage?.output_tokens ?? 0,
          durationMs: Date.now() - started,
          agentName: 'ceo_orchestrator',
        },
      );
    }
    return { reply: text, intent: 'DIRECT_RESPONSE', offline: false, messages: [new AIMessage(text)] };
  };
