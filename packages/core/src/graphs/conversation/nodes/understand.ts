import { parseOrgQuestion, queryEntity, resolveFollowUp } from '../../../org/questions.js';
import { messageText } from '../messages.js';
import type { ConversationGraphDeps } from '../deps.js';
import type { ConversationStateType, ConversationUpdate } from '../state.js';

/** Works out what the latest message asks, resolving follow-ups against the conversation. */
export const understandNode =
  (deps: ConversationGraphDeps) =>
  (state: ConversationStateType): ConversationUpdate => {
    const last = state.messages.at(-1);
    const text = last ? messageText(last) : '';
    const parsed = parseOrgQuestion(deps.registry(), text, state.focus);
    const query = resolveFollowUp(parsed, text, state.query);
    return { query, focus: queryEntity(query) ?? state.focus };
  };
