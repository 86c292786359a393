import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import { answerOrgQuery } from '../../org/answers.js';
import type { ConversationGraphDeps } from './deps.js';
import { answerLlmNode } from './nodes/answer-llm.js';
import { answerOrgNode } from './nodes/answer-org.js';
import { clarifyNode } from './nodes/clarify.js';
import { understandNode } from './nodes/understand.js';
import { ConversationState, type ConversationStateType } from './state.js';

export type ConversationRoute = 'answer_org' | 'answer_llm' | 'clarify';

/** Facts from the registry first; the LLM for the rest; otherwise ask. */
export const routeAfterUnderstanding =
  (deps: ConversationGraphDeps) =>
  (state: ConversationStateType): ConversationRoute => {
    const query = state.query ?? { kind: 'unknown' as const };
    if (answerOrgQuery(deps.registry(), query, !deps.llm.info.offline) !== undefined) return 'answer_org';
    // An ambiguous mention is better resolved by asking than by a model's guess.
    if (query.kind === 'unknown' && deps.llm.chatModel) return 'answer_llm';
    return 'clarify';
  };

/** The CEO orchestrator's conversation graph (this scope: org answers + clarification). */
export function buildConversationGraph(deps: ConversationGraphDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(ConversationState)
    .addNode('understand', understandNode(deps))
    .addNode('answer_org', answerOrgNode(deps))
    .addNode('answer_llm', answerLlmNode(deps))
    .addNode('clarify', clarifyNode(deps))
    .addEdge(START, 'understand')
    .addConditionalEdges('understand', routeAfterUnderstanding(deps), ['answer_org', 'answer_llm', 'clarify'])
    .addEdge('answer_org', END)
    .addEdge('answer_llm', END)
    .addEdge('clarify', END)
    .compile({ checkpointer });
}

export type ConversationGraph = ReturnType<typeof buildConversationGraph>;
