import type { OrgQuery } from '../../org/questions.js';
import type { ConversationGraphDeps } from './deps.js';
import { messageText } from '../../llm/messages.js';
import type { ConversationStateType } from './state.js';

export type ConversationRoute =
  'answer_org' | 'answer_llm' | 'clarify' | 'delegate' | 'plan' | 'refine_plan' | 'propose_agent' | 'improvement';

/** Organisation questions the registry answers exactly, whatever the classifier thinks. */
const FACTUAL: ReadonlyArray<OrgQuery['kind']> = [
  'greeting',
  'overview',
  'reports_to',
  'manager_of',
  'department_members',
  'agent_info',
];

/** Wording that edits a plan rather than asking for something new. */
const REFINEMENT =
  /\b(make|assign|give|drop|remove|delete|skip|add|insert|change|rename|mark|shorten|extend|lengthen|move|swap|replace|should (take|approve|review|own)|instead|don'?t need|do not need|no need for|cut)\b/i;

/**
 * Chooses the node for this turn: an open task, a follow-up to the last function run or a plan
 * the conversation is in the middle of, then exact org facts, then the intent.
 */
export const routeTurn =
  (deps: ConversationGraphDeps) =>
  (state: ConversationStateType): ConversationRoute => {
    const intent = state.intent;
    const query = state.query ?? { kind: 'unknown' as const };
    const text = messageText(state.messages.at(-1)!);
    const confidentNew =
      intent && intent.confidence >= 0.7 && (intent.intent === 'CREATE_PROJECT' || intent.intent === 'BUILD_AGENT');
    // Right after an agent asked for missing input, a short or numeric message is the answer.
    const answersPending = text.trim().split(/\s+/).length <= 15 || /\d/.test(text);
    if (state.pendingTask && (answersPending || !confidentNew)) return 'delegate';
    // A change to the function run the previous reply showed ("redo it with 500 a month").
    if (state.followUp && !confidentNew) return 'delegate';
    if (
      state.activeProject &&
      REFINEMENT.test(text) &&
      intent?.intent !== 'BUILD_AGENT' &&
      !(confidentNew && /\b(plan|project)\b/i.test(text))
    )
      return 'refine_plan';
    if (FACTUAL.includes(query.kind)) return 'answer_org';
    switch (intent?.intent) {
      case 'DELEGATE':
        return 'delegate';
      case 'CREATE_PROJECT':
        return 'plan';
      case 'BUILD_AGENT':
        return 'propose_agent';
      case 'IMPROVE_AGENT':
        return 'improvement';
      case 'DIRECT_RESPONSE':
        if (query.kind === 'help') return 'answer_org';
        return deps.llm.chatModel && query.kind !== 'ambiguous' ? 'answer_llm' : 'clarify';
      default:
        if (query.kind === 'help') return 'answer_org';
        return 'clarify';
    }
  };
