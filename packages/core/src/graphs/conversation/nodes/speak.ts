import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ConversationGraphDeps } from '../deps.js';
import type { ConversationStateType, ConversationUpdate } from '../state.js';
import { emitDelta, streamComputedText } from '../../../llm/stream.js';

/**
 * Sends a reply that was not streamed live, after the node that produced it has been
 * checkpointed (and has released any agent it used). A computed result goes out at once, whole;
 * the offline model's own prose is typed out at its pace, the slow part of an offline reply: a
 * process that dies meanwhile resumes here, and the work before it (a stored plan, a started
 * build) is not done twice.
 */
export const speakNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    if (state.replyStreamed) return {};
    if (state.replyComputed) emitDelta(config, state.reply);
    else await streamComputedText(config, state.reply, deps.chunkDelayMs);
    return { replyStreamed: true };
  };
