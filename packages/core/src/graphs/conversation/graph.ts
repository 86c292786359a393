import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import { redactError } from '../../security/redact.js';
import type { ConversationGraphDeps } from './deps.js';
import { answerLlmNode } from './nodes/answer-llm.js';
import { answerOrgNode } from './nodes/answer-org.js';
import { clarifyNode } from './nodes/clarify.js';
import { delegateNode } from './nodes/delegate.js';
import { improvementNode } from './nodes/improvement.js';
import { planNode } from './nodes/plan.js';
import { proposeAgentNode } from './nodes/propose-agent.js';
import { refinePlanNode } from './nodes/refine-plan.js';
import { speakNode } from './nodes/speak.js';
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

/**
 * A failing node's error is checkpointed (LangGraph's error write) before the facade sees it, and
 * a provider's error can echo the API key: it leaves the node redacted.
 */
function redacting<A extends unknown[], R>(node: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await node(...args);
    } catch (err) {
      throw redactError(err);
    }
  };
}

/**
 * The CEO orchestrator's conversation graph: understand, then one reply node per intent, then
 * speak (streams the reply unless the node already streamed it live).
 */
export function buildConversationGraph(deps: ConversationGraphDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(ConversationState)
    .addNode('understand', redacting(understandNode(deps)))
    .addNode('answer_org', redacting(answerOrgNode(deps)))
    .addNode('answer_llm', redacting(answerLlmNode(deps)))
    .addNode('clarify', redacting(clarifyNode(deps)))
    .addNode('delegate', redacting(delegateNode(deps)))
    .addNode('plan', redacting(planNode(deps)))
    .addNode('refine_plan', redacting(refinePlanNode(deps)))
    .addNode('propose_agent', redacting(proposeAgentNode(deps)))
    .addNode('improvement', redacting(improvementNode(deps)))
    .addNode('speak', redacting(speakNode(deps)))
    .addEdge(START, 'understand')
    .addConditionalEdges('understand', routeTurn(deps), REPLY_NODES)
    .addEdge('answer_org', 'speak')
    .addEdge('answer_llm', 'speak')
    .addEdge('clarify', 'speak')
    .addEdge('delegate', 'speak')
    .addEdge('plan', 'speak')
    .addEdge('refine_plan', 'speak')
    .addEdge('propose_agent', 'speak')
    .addEdge('improvement', 'speak')
    .addEdge('speak', END)
    .compile({ checkpointer });
}

export type ConversationGraph = ReturnType<typeof buildConversationGraph>;
