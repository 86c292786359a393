import { AIMessage } from '@langchain/core/messages';
import { answerOrgQuery } from '../../../org/answers.js';
import type { ConversationGraphDeps } from '../deps.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';

/**
 * Answers organisation questions from the registry itself, with or without an LLM: reporting
 * lines are facts, and a model must not be allowed to get them wrong.
 */
export const answerOrgNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType): Promise<ConversationUpdate> => {
    const reply = answerOrgQuery(deps.registry(), state.query ?? { kind: 'unknown' }, !deps.llm.info.offline);
    if (reply === undefined) throw new Error('answer_org reached without an answerable query');
    return { ...replyUpdate(reply, 'DIRECT_RESPONSE'), messages: [new AIMessage(reply)] };
  };
