import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import type { ExecutionGraphDeps } from './deps.js';
import { runStepNode } from './nodes/run-step.js';
import { scheduleNode } from './nodes/schedule.js';
import { fanOut } from './routing.js';
import { stepCommitFor } from './step-commit.js';
import { ExecutionState } from './state.js';

/**
 * The project graph (SPEC §3.5): `schedule` → every ready step in parallel (`Send` to
 * `run_step`) → `schedule` … until nothing is left. Approval gates and failures are interrupts.
 */
export function buildExecutionGraph(graphDeps: ExecutionGraphDeps, checkpointer: BaseCheckpointSaver) {
  const deps: ExecutionGraphDeps = { ...graphDeps, stepCommit: graphDeps.stepCommit ?? stepCommitFor(checkpointer) };
  return new StateGraph(ExecutionState)
    .addNode('schedule', scheduleNode(deps))
    .addNode('run_step', runStepNode(deps))
    .addEdge(START, 'schedule')
    .addConditionalEdges('schedule', fanOut, ['run_step', 'schedule', END])
    .addEdge('run_step', 'schedule')
    .compile({ checkpointer });
}

export type ExecutionGraph = ReturnType<typeof buildExecutionGraph>;
