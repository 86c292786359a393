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
  return ready.map((exec) => new Send('run_step', { exec, planVersion: state.planVersion, request: state.request, retry: state.retries[exec.key] ?? null } satisfies RunStepInput));
}
