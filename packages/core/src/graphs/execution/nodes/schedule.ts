import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { readySteps } from '../../../execution/flatten.js';
import type { ExecutionInterrupt, ExecutionResume, RunContext } from '../../../execution/ports.js';
import type { ExecutionGraphDeps } from '../deps.js';
import type { ExecutionStateType, ExecutionUpdate } from '../state.js';

export const runContextOf = (
  config: LangGraphRunnableConfig,
  deps?: Pick<ExecutionGraphDeps, 'stepCommit'>,
): RunContext => {
  const c = config.configurable ?? {};
  const commit = deps?.stepCommit?.(config);
  return { workspaceId: String(c.workspaceId), projectId: String(c.projectId), ...(commit ? { commit } : {}) };
};

/**
 * Between batches (the steps came with the run's first input, see ExecutionEngine): when a step
 * failed for good and nothing else can run, ask a person what to do (the only interrupt here,
 * with nothing written before it, so replaying this node on resume is harmless).
 */
export const scheduleNode =
  (deps: ExecutionGraphDeps) =>
  async (state: ExecutionStateType, config: LangGraphRunnableConfig): Promise<ExecutionUpdate> => {
    const ctx = runContextOf(config);
    const [stepKey, failure] = Object.entries(state.failures)[0] ?? [];
    if (!stepKey || !failure) return {};
    // Independent branches keep running; a person is asked once nothing else can move.
    if (readySteps(state.steps, state.done).some((s) => !state.failures[s.key])) return {};
    const question: ExecutionInterrupt = failure.agentDevelopment
      ? { kind: 'agent_development', errorId: failure.errorId ?? '', stepKey, capability: failure.capability ?? null }
      : {
          kind: 'error',
          errorId: failure.errorId ?? '',
          stepKey,
          category: failure.category,
          message: failure.message,
        };
    const answer = interrupt<ExecutionInterrupt, ExecutionResume>(question);
    if (answer.kind !== 'recovery') return {};
    const round = (state.retries[stepKey]?.round ?? 0) + 1;
    switch (answer.action) {
      case 'retry':
        return {
          failures: { [stepKey]: null },
          retries: { [stepKey]: { round, agent: state.retries[stepKey]?.agent ?? null } },
        };
      case 'reassign':
        return { failures: { [stepKey]: null }, retries: { [stepKey]: { round, agent: answer.agent ?? null } } };
      case 'skip':
        await deps.store.setStepStatus(ctx, stepKey, 'skipped');
        return {
          failures: { [stepKey]: null },
          done: {
            [stepKey]: {
              status: 'skipped',
              agent: null,
              resultRef: null,
              preview: null,
              reason: 'Skipped by a person after a failure',
            },
          },
        };
      case 'abort':
        return { aborted: `Aborted by a person at step ${stepKey}: ${failure.message}` };
    }
  };
