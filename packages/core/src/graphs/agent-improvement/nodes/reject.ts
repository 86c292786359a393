import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { improvementContextOf, type AgentImprovementGraphDeps, type ImprovementEnd } from '../deps.js';
import type { ImprovementStateType, ImprovementUpdate } from '../state.js';

/** A rejected (or expired) approval: nothing is written to the agent. */
export const rejectNode =
  (deps: AgentImprovementGraphDeps) =>
  async (state: ImprovementStateType, config: LangGraphRunnableConfig): Promise<ImprovementUpdate> => {
    const d = state.decision;
    const end: ImprovementEnd = {
      status: 'rejected',
      reason: `Rejected${d?.decidedBy ? ` by ${d.decidedBy}` : ''}${d?.notes ? `: ${d.notes}` : ''}.`,
    };
    await deps.store.finish(improvementContextOf(config), end);
    return { end };
  };
