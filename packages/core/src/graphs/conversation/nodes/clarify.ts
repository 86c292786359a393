import { AIMessage } from '@langchain/core/messages';
import { clarifyingQuestion } from '../../../org/answers.js';
import type { ConversationGraphDeps } from '../deps.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';

/** A question for the orchestrator itself that only a language model could answer. */
const OFFLINE_LIMIT =
  "I can't answer that with the built-in offline model: it knows the organisation (who reports to whom, who is in which department, what each agent does) but has no general knowledge and writes no free-form answers. Configure an LLM provider for that, or ask me about the organisation.";

/** Asks one concrete question when the message cannot be acted on as it stands. */
export const clarifyNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType): Promise<ConversationUpdate> => {
    const query = state.query ?? { kind: 'unknown' as const };
    // A question about a named agent or department is the most specific one to ask.
    const fromIntent = state.intent?.intent === 'CLARIFY' ? state.intent.clarifyingQuestion : null;
    const reply =
      state.intent?.intent === 'DIRECT_RESPONSE' && query.kind !== 'ambiguous'
        ? OFFLINE_LIMIT
        : query.kind === 'ambiguous' || !fromIntent
          ? clarifyingQuestion(deps.registry(), query)
          : fromIntent;
    return { ...replyUpdate(reply, 'CLARIFY'), messages: [new AIMessage(reply)] };
  };
