import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import type { AgentCreationDeps } from './deps.js';
import { awaitApprovalNode, requestApprovalNode } from './nodes/approval.js';
import { deployNode } from './nodes/deploy.js';
import { draftNode } from './nodes/draft.js';
import { validateNode } from './nodes/validate.js';
import { afterApproval, afterValidate } from './routing.js';
import { AgentCreationState } from './state.js';

/**
 * Building an agent (docs/workforce.md#building-agents): draft → validate → request approval → wait for the decision
 * (`interrupt`) → deploy. A failed validation or a rejection ends the build; nothing is deployed.
 */
export function buildAgentCreationGraph(deps: AgentCreationDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(AgentCreationState)
    .addNode('draft_agent', draftNode(deps))
    .addNode('validate_draft', validateNode(deps))
    .addNode('request_approval', requestApprovalNode(deps))
    .addNode('await_approval', awaitApprovalNode(deps))
    .addNode('deploy_agent', deployNode(deps))
    .addEdge(START, 'draft_agent')
    .addEdge('draft_agent', 'validate_draft')
    .addConditionalEdges('validate_draft', afterValidate, ['request_approval', END])
    .addEdge('request_approval', 'await_approval')
    .addConditionalEdges('await_approval', afterApproval, ['deploy_agent', END])
    .addEdge('deploy_agent', END)
    .compile({ checkpointer });
}

export type AgentCreationGraph = ReturnType<typeof buildAgentCreationGraph>;
