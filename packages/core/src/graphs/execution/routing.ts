import { END, Send } from '@langchain/langgraph';
import { readySteps } from '../../execution/flatten.js';
import type { ExecutionStateType, RunStepInput } from './state.js';

/**
 * After scheduling: every ready step runs in parallel in the next superstep; the run ends when
 * nothing is left to run and nothing failed (or a person aborted).
 */
export function fanOut(state: ExecutionStateType): Send[] | 'schedule' | typeof END {
  if (state.aborted) return END;
  const ready = readySteps(state.steps, state.done).filter((s) => !state.failures[s.key]);
  // Back to schedule, which asks a person about the failure.
  if (ready.length === 0) return Object.keys(state.failures).length > 0 ? 'schedule' : END;
  return ready.map(
    (exec) =>
      new Send('run_step', {
        exec,
        planVersion: state.planVersion,
        request: state.request,
        retry: state.retries[exec.key] ?? null,
        batch: ready.length,
      } satisfies RunStepInput),
  );
}

/**
 * After a step: a branch reads the state as it was before the batch plus this step's own
 * writes. A step that ran alone therefore sees everything and dispatches what is ready next
 * itself — one superstep per step of a chain instead of two. Steps of a wider batch, and any
 * failure or abort, go through `schedule`, which joins the batch.
 */
export function afterStep(state: ExecutionStateType): Send[] | 'schedule' | typeof END {
  if (state.batchSize !== 1 || state.aborted || Object.keys(state.failures).length > 0) return 'schedule';
  return fanOut(state);
}
