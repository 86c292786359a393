import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import type { ConversationGraphDeps } from './deps.js';
import { answerLlmNode } from './nodes/answer-llm.js';
import { answerOrgNode } from './nodes/answer-org.js';
import { clarifyNode } from './nodes/clarify.js';
import { delegateNode } from './nodes/delegate.js';
import { improvementNode } from './nodes/improvement.js';
import { planNode } from './nodes/plan.js';
import { proposeAgentNode } from './nodes/propose-agent.js';
import { refinePlanNode } from './nodes/refine-plan.js';
import { understandNode } from './nodes/understand.js';
import { routeTurn, type ConversationRoute } from './routing.js';
import { ConversationState } from './state.js';

const REPLY_NODES: ConversationRoute[] = [
  'answer_org',
  'answer_llm',
  'clarify',
  'delegate',
  'plan',
  'refine_plan',
  'propose_agent',
  'improvement',
];

/** The CEO orchestrator's conversation graph: understand, then one reply node per intent. */
export function buildConversationGraph(deps: ConversationGraphDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(ConversationState)
    .addNode('understand', understandNode(deps))
    .addNode('answer_org', answerOrgNode(deps))
    .addNode('answer_llm', answerLlmNode(deps))
    .addNode('clarify', clarifyNode(deps))
    .addNode('delegate', delegateNode(deps))
    .addNode('plan', planNode(deps))
    .addNode('refine_plan', refinePlanNode(deps))
    .addNode('propose_agent', proposeAgentNode(deps))
    .addNode('improvement', improvementNode(deps))
    .addEdge(START, 'understand')
    .addConditionalEdges('understand', routeTurn(deps), REPLY_NODES)
    .addEdge('answer_org', END)
    .addEdge('answer_llm', END)
    .addEdge('clarify', END)
    .addEdge('delegate', END)
    .addEdge('plan', END)
    .addEdge('refine_plan', END)
    .addEdge('propose_agent', END)
    .addEdge('improvement', END)
    .compile({ checkpointer });
}

export type ConversationGraph = ReturnType<typeof buildConversationGraph>;
