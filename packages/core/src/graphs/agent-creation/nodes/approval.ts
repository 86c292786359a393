import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import {
  buildContextOf,
  type AgentCreationDeps,
  type AgentCreationInterrupt,
  type AgentCreationResume,
} from '../deps.js';
import type { AgentCreationStateType, AgentCreationUpdate } from '../state.js';

/** Raises the approval (idempotent) in its own node, so the interrupt below has nothing before it. */
export const requestApprovalNode =
  (deps: AgentCreationDeps) =>
  async (state: AgentCreationStateType, config: LangGraphRunnableConfig): Promise<AgentCreationUpdate> => {
    const ctx = buildContextOf(config);
    const approval = await deps.builds.requestApproval(ctx, {
      spec: state.spec,
      draft: state.draft!,
      validation: state.validation!,
      draftSource: state.draftSource ?? 'template',
      notes: state.notes,
    });
    await deps.builds.progress(ctx, {
      status: 'awaiting_approval',
      approvalId: approval.id,
      validation: state.validation!,
    });
    return { approvalId: approval.id };
  };

/** Waits for the person's decision; a rejection ends the build with their notes, nothing deployed. */
export const awaitApprovalNode =
  (deps: AgentCreationDeps) =>
  async (state: AgentCreationStateType, config: LangGraphRunnableConfig): Promise<AgentCreationUpdate> => {
    const ctx = buildContextOf(config);
    const answer = interrupt<AgentCreationInterrupt, AgentCreationResume>({
      kind: 'agent_creation',
      buildId: ctx.buildId,
      approvalId: state.approvalId!,
    });
    if (answer.decision === 'approve') return { decision: answer };
    const error = `Rejected${answer.decidedBy ? ` by ${answer.decidedBy}` : ''}${answer.notes ? `: ${answer.notes}` : ''}`;
    await deps.builds.progress(ctx, { status: 'rejected', error });
    return { decision: answer, outcome: 'rejected' };
  };
