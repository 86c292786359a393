import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { proposeImprovement } from '../../../workforce/improvement/propose.js';
import { improvementContextOf, type AgentImprovementGraphDeps, type ImprovementEnd } from '../deps.js';
import type { ImprovementStateType, ImprovementUpdate } from '../state.js';

/**
 * Reads the agent as it is now and proposes the change (model or offline improver). A proposal
 * that changes nothing ends the workflow here, with the reason, instead of asking anyone.
 */
export const proposeNode =
  (deps: AgentImprovementGraphDeps) =>
  async (state: ImprovementStateType, config: LangGraphRunnableConfig): Promise<ImprovementUpdate> => {
    const ctx = improvementContextOf(config);
    const request = state.request;
    if (!request) throw new Error('agent-improvement: the run started without a request');
    const agent = await deps.agents.current(ctx, request.agentName);
    if (!agent) {
      const end: ImprovementEnd = {
        status: 'failed',
        reason: `${request.agentName} is not an active agent (retired, invalid or unknown), so there is nothing to improve.`,
      };
      await deps.store.finish(ctx, end);
      return { end };
    }
    const proposal = await proposeImprovement(deps.llm, {
      agent,
      triggerType: request.triggerType,
      feedback: request.feedback,
      evidence: request.evidence,
    });
    await deps.store.saveProposal(ctx, proposal);
    if (!proposal.changed) {
      const end: ImprovementEnd = { status: 'failed', reason: proposal.reason };
      await deps.store.finish(ctx, end);
      return { proposal, end };
    }
    return { proposal };
  };
