import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { improvementContextOf, type AgentImprovementGraphDeps, type ImprovementEnd } from '../deps.js';
import type { ImprovementStateType, ImprovementUpdate } from '../state.js';

/**
 * Applies the approved proposal as a new version on top of the version it was made against.
 * If someone saved the agent meanwhile, nothing is overwritten: the improvement fails with the
 * reason, and a fresh proposal can be made against the new version.
 */
export const applyNode =
  (deps: AgentImprovementGraphDeps) =>
  async (state: ImprovementStateType, config: LangGraphRunnableConfig): Promise<ImprovementUpdate> => {
    const ctx = improvementContextOf(config);
    const proposal = state.proposal!;
    const who = state.decision?.decidedBy ? ` (approved by ${state.decision.decidedBy})` : '';
    const result = await deps.agents.apply(ctx, {
      agentName: proposal.agentName,
      contextMd: proposal.contextMd,
      baseVersion: proposal.baseVersion,
      message: `Improvement ${ctx.improvementId}${who}: ${proposal.reason}`.slice(0, 500),
    });
    const end: ImprovementEnd =
      result.kind === 'applied'
        ? { status: 'applied', newVersion: result.newVersion, backup: result.backup }
        : {
            status: 'failed',
            reason: `Not applied: ${proposal.agentName} was changed after this proposal was made (it was based on version ${proposal.baseVersion}; the agent is now at version ${result.currentVersion}). Nothing was overwritten — propose the change again against the current version.`,
          };
    await deps.store.finish(ctx, end);
    return { end };
  };
