import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildContextOf, type AgentCreationDeps } from '../deps.js';
import type { AgentCreationStateType, AgentCreationUpdate } from '../state.js';

/** Deploys through the port (files, rows, reportsTo, hot reload) and reports the new agent. */
export const deployNode =
  (deps: AgentCreationDeps) =>
  async (state: AgentCreationStateType, config: LangGraphRunnableConfig): Promise<AgentCreationUpdate> => {
    const ctx = buildContextOf(config);
    await deps.builds.progress(ctx, { status: 'deploying' });
    try {
      const { agentName } = await deps.builds.deploy(ctx, {
        spec: state.spec,
        draft: state.draft!,
        approvalId: state.approvalId!,
        decidedBy: state.decision?.decidedBy ?? null,
      });
      await deps.builds.progress(ctx, { status: 'deployed', agentName });
      return { outcome: 'deployed', agentName };
    } catch (err) {
      // A refused deployment (a name taken meanwhile, a manager retired) ends the build visibly.
      await deps.builds.progress(ctx, { status: 'failed', error: `Deployment failed: ${(err as Error).message}` });
      return { outcome: 'failed' };
    }
  };
