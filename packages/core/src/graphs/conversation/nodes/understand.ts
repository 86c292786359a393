import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { parseOrgQuestion, queryEntity, resolveFollowUp } from '../../../org/questions.js';
import type { ConversationGraphDeps } from '../deps.js';
import { readConversationFollowUp } from '../follow-up.js';
import { messageText } from '../../../llm/messages.js';
import type { ConversationStateType, ConversationUpdate } from '../state.js';

/** Turns the classifier sees before the latest message: enough to resolve follow-ups. */
const HISTORY_TURNS = 6;

/**
 * Works out what the latest message asks: the intent, any organisation question in it, and what
 * it changes when it follows up on a function agent's answer.
 */
export const understandNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const text = messageText(state.messages.at(-1)!);
    const history = state.messages
      .slice(0, -1)
      .slice(-HISTORY_TURNS)
      .map((m) => ({
        role: m.getType() === 'human' ? ('user' as const) : ('assistant' as const),
        content: messageText(m),
      }));
    const parsed = parseOrgQuestion(deps.registry(), text, state.focus);
    const query = resolveFollowUp(parsed, text, state.query);
    const intent = await deps.intents.classify({ text, history });
    const followUp = await readConversationFollowUp(deps, state, text, config);
    return { query, intent, focus: queryEntity(query) ?? state.focus, followUp };
  };
