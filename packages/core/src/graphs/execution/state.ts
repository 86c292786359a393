import { Annotation } from '@langchain/langgraph';
import type { ErrorCategory } from '@orchestrator/contracts';
import type { ExecStep } from '../../execution/flatten.js';
import type { StepOutcome } from '../../execution/ports.js';

/** A step that failed after its retries and alternatives: a person decides what happens. */
export interface StepFailure {
  errorId: string | null;
  category: ErrorCategory;
  message: string;
  /** A build/improve step waiting for the agent to exist. */
  agentDevelopment?: boolean;
  capability?: string | null;
}

/** A person's retry or reassignment: the next run of the step uses it. */
export interface StepRetry {
  round: number;
  agent: string | null;
}

const merge = <T>(a: Record<string, T>, b: Record<string, T | null>): Record<string, T> => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
};

/** One thread per project. Holds references and previews only: results live in storage. */
export const ExecutionState = Annotation.Root({
  steps: Annotation<ExecStep[]>({ reducer: (_a, b) => b, default: () => [] }),
  planVersion: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  /** The request the plan answers: context every agent gets with its step. */
  request: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
  /** Finished steps (completed or skipped); each parallel step adds its own key. */
  done: Annotation<Record<string, StepOutcome>, Record<string, StepOutcome | null>>({
    reducer: merge,
    default: () => ({}),
  }),
  /** Steps waiting for a person's recovery decision; null clears one. */
  failures: Annotation<Record<string, StepFailure>, Record<string, StepFailure | null>>({
    reducer: merge,
    default: () => ({}),
  }),
  retries: Annotation<Record<string, StepRetry>, Record<string, StepRetry | null>>({
    reducer: merge,
    default: () => ({}),
  }),
  /** Set when a person aborts: the run ends as aborted with this reason. */
  aborted: Annotation<string | null>({ reducer: (a, b) => b ?? a, default: () => null }),
  /**
   * How many steps ran in the batch of the step that finished last (written by every run_step).
   * A step that ran alone sees the whole state after it, so it dispatches the next batch itself.
   */
  batchSize: Annotation<number | null>({ reducer: (_a, b) => b, default: () => null }),
});

export type ExecutionStateType = typeof ExecutionState.State;
export type ExecutionUpdate = typeof ExecutionState.Update;

/** What a `Send` gives `run_step`: the step and how to run it this time. */
export interface RunStepInput {
  exec: ExecStep;
  planVersion: number;
  request: string;
  retry: StepRetry | null;
  /** How many steps were dispatched together with this one (absent in runs started before it existed). */
  batch?: number;
}
