import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { draftAgent } from '../../../workforce/building/draft.js';
import { buildContextOf, type AgentCreationDeps } from '../deps.js';
import type { AgentCreationStateType, AgentCreationUpdate } from '../state.js';

/** Drafts the files (model with one repair, else the template) and hands them to validation. */
export const draftNode =
  (deps: AgentCreationDeps) =>
  async (state: AgentCreationStateType, config: LangGraphRunnableConfig): Promise<AgentCreationUpdate> => {
    const ctx = buildContextOf(config);
    const { draft, source, notes } = await draftAgent(deps, state.spec, { workspaceId: ctx.workspaceId });
    await deps.builds.progress(ctx, { status: 'validating', draft, draftSource: source, notes });
    return { draft, draftSource: source, notes };
  };
