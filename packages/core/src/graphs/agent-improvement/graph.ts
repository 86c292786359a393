import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import type { AgentImprovementGraphDeps } from './deps.js';
import { applyNode } from './nodes/apply.js';
import { awaitApprovalNode } from './nodes/await-approval.js';
import { proposeNode } from './nodes/propose.js';
import { rejectNode } from './nodes/reject.js';
import { afterDecision, afterPropose } from './routing.js';
import { ImprovementState } from './state.js';

/**
 * IMPROVE_AGENT (docs/workforce.md#approval-apply-restore): `propose` → `await_approval`
 * (interrupt) → `apply` | `reject`.
 * One thread per improvement (`agent-improvement:<id>`), checkpointed, so a decision taken
 * after a restart resumes exactly where the proposal waited.
 */
export function buildAgentImprovementGraph(deps: AgentImprovementGraphDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(ImprovementState)
    .addNode('propose', proposeNode(deps))
    .addNode('await_approval', awaitApprovalNode(deps))
    .addNode('apply', applyNode(deps))
    .addNode('reject', rejectNode(deps))
    .addEdge(START, 'propose')
    .addConditionalEdges('propose', afterPropose, ['await_approval', END])
    .addConditionalEdges('await_approval', afterDecision, ['apply', 'reject'])
    .addEdge('apply', END)
    .addEdge('reject', END)
    .compile({ checkpointer });
}

export type AgentImprovementGraph = ReturnType<typeof buildAgentImprovementGraph>;
