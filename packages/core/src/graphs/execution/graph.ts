import type { BaseCheckpointSaver, LangGraphRunnableConfig } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import type { ExecutionGraphDeps } from './deps.js';
import { runStepNode } from './nodes/run-step.js';
import { scheduleNode } from './nodes/schedule.js';
import { afterStep, fanOut } from './routing.js';
import { stepCommitFor } from './step-commit.js';
import { ExecutionState, type ExecutionUpdate, type RunStepInput } from './state.js';

/**
 * The project graph (docs/operations.md#project-runs): the steps (the run's first input) → every ready step in
 * parallel (`Send` to `run_step`) → `schedule` … until nothing is left; a step that ran alone
 * dispatches the next ready steps itself (afterStep). Approval gates and failures are interrupts.
 */
export function buildExecutionGraph(graphDeps: ExecutionGraphDeps, checkpointer: BaseCheckpointSaver) {
  const deps: ExecutionGraphDeps = { ...graphDeps, stepCommit: graphDeps.stepCommit ?? stepCommitFor(checkpointer) };
  return (
    new StateGraph(ExecutionState)
      .addNode('schedule', scheduleNode(deps))
      .addNode('run_step', withBatchSize(runStepNode(deps)))
      // A run's first input carries the steps (ExecutionEngine): the first batch starts at once.
      .addConditionalEdges(START, fanOut, ['run_step', 'schedule', END])
      .addConditionalEdges('schedule', fanOut, ['run_step', 'schedule', END])
      .addConditionalEdges('run_step', afterStep, ['run_step', 'schedule', END])
      .compile({ checkpointer })
  );
}

export type ExecutionGraph = ReturnType<typeof buildExecutionGraph>;

/** Every finished step records the size of its batch, for afterStep. */
function withBatchSize(node: (input: RunStepInput, config: LangGraphRunnableConfig) => Promise<ExecutionUpdate>) {
  return async (input: RunStepInput, config: LangGraphRunnableConfig): Promise<ExecutionUpdate> => ({
    ...(await node(input, config)),
    batchSize: input.batch ?? 0,
  });
}
