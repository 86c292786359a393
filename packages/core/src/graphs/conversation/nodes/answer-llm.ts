import { AIMessage, SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { runContext, type ConversationGraphDeps } from '../deps.js';
import { streamCompletion } from '../../../llm/stream-completion.js';
import { ceoSystemPrompt } from '../prompts.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';

/** How many earlier messages the model sees: enough for follow-ups, bounded for cost. */
export const HISTORY_WINDOW = 20;

/** Answers the CEO's own questions with the configured LLM, the organisation as context. */
export const answerLlmNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const prompt = [new SystemMessage(ceoSystemPrompt(deps.registry())), ...state.messages.slice(-HISTORY_WINDOW)];
    const { workspaceId, conversationId } = runContext(config);
    const text = await streamCompletion(deps, config, prompt, 'ceo_orchestrator', { workspaceId, conversationId });
    return {
      ...replyUpdate(text, 'DIRECT_RESPONSE', { offline: false, replyStreamed: true }),
      messages: [new AIMessage(text)],
    };
  };
