import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { improvementContextOf, improvementThreadId, type AgentImprovementGraphDeps } from '../deps.js';
import type { ImprovementDecision, ImprovementInterrupt, ImprovementStateType, ImprovementUpdate } from '../state.js';

/**
 * The approval gate: the approval row and the interrupt go together. Replaying this node on
 * resume finds the same approval (the store is idempotent per improvement), so nothing is raised twice.
 */
export const awaitApprovalNode =
  (deps: AgentImprovementGraphDeps) =>
  async (state: ImprovementStateType, config: LangGraphRunnableConfig): Promise<ImprovementUpdate> => {
    const ctx = improvementContextOf(config);
    const proposal = state.proposal!;
    const { approvalId } = await deps.store.requestApproval(ctx, {
      threadId: improvementThreadId(ctx.improvementId),
      proposal,
    });
    const decision = interrupt<ImprovementInterrupt, ImprovementDecision>({
      kind: 'approval',
      improvementId: ctx.improvementId,
      approvalId,
    });
    return { approvalId, decision };
  };
