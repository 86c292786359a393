import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { clarifyingQuestion } from '../../../org/answers.js';
import type { ConversationGraphDeps } from '../deps.js';
import type { ConversationStateType, ConversationUpdate } from '../state.js';
import { streamComputedText } from '../stream.js';

/** Asks a concrete question when the message cannot be acted on as it stands. */
export const clarifyNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const reply = clarifyingQuestion(deps.registry(), state.query ?? { kind: 'unknown' });
    await streamComputedText(config, reply, deps.chunkDelayMs);
    return { reply, intent: 'CLARIFY', offline: true, messages: [new AIMessage(reply)] };
  };
