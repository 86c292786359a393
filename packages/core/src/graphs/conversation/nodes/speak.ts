import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ConversationGraphDeps } from '../deps.js';
import type { ConversationStateType, ConversationUpdate } from '../state.js';
import { streamComputedText } from '../../../llm/stream.js';

/**
 * Streams a computed reply to the conversation, after the node that computed it has been
 * checkpointed. Streaming is the slow part of an offline reply: a process that dies meanwhile
 * resumes here, and the work before it (a stored plan, a started build) is not done twice.
 */
export const speakNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    if (!state.replyStreamed) await streamComputedText(config, state.reply, deps.chunkDelayMs);
    return { replyStreamed: true };
  };
