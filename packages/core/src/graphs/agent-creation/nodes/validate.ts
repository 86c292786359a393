import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { validateDraft } from '../../../workforce/building/validate.js';
import { buildContextOf, type AgentCreationDeps } from '../deps.js';
import type { AgentCreationStateType, AgentCreationUpdate } from '../state.js';

/** File checks and sample tasks against the draft; a failure ends the build without asking anyone. */
export const validateNode =
  (deps: AgentCreationDeps) =>
  async (state: AgentCreationStateType, config: LangGraphRunnableConfig): Promise<AgentCreationUpdate> => {
    const ctx = buildContextOf(config);
    const validation = await validateDraft(deps, state.spec, state.draft!, { workspaceId: ctx.workspaceId });
    if (!validation.passed) {
      const failing = validation.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
      const tasks = validation.tasks
        .filter((t) => !t.passed)
        .map(
          (t) =>
            `sample task failed: ${t.checks
              .filter((c) => !c.passed)
              .map((c) => c.detail)
              .join('; ')}`,
        );
      await deps.builds.progress(ctx, {
        status: 'failed',
        validation,
        error: `Validation failed — ${[...failing, ...tasks].join(' · ') || 'no sample task passed'}`,
      });
      return { validation, outcome: 'failed' };
    }
    return { validation };
  };
