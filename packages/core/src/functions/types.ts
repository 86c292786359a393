import type { z, ZodType } from 'zod';
import type { ResultText } from './result-text.js';
import type { CsvHelpers } from './helpers/csv.js';
import type { NumberHelpers } from './helpers/numbers.js';

/** The zod namespace, injected into agent modules so they need no runtime imports. */
export type InjectedZod = typeof z;

/** An earlier step's result, handed to agents that compile or summarise work. */
export interface PriorResult {
  title: string;
  markdown?: string;
  data?: unknown;
}

/** Shared parsing code, injected because agents cannot import it (see helpers/). */
export interface FunctionHelpers {
  /** CSV with quotes, delimiter detection (`,` `;` tab `|`) and extraction from a task. */
  csv: CsvHelpers;
  /** Amounts with currency symbols, `1,234.50` / `1.234,50` and `(1,200)` negatives; plain numbers. */
  numbers: NumberHelpers;
}

/** What a function agent may know about the run besides the task text. */
export interface FunctionAgentContext {
  /** The run's clock: agents never call `new Date()` themselves, so results are reproducible. */
  now: Date;
  /** Results of earlier steps (execution engine) for compilation and summaries. */
  priorResults?: PriorResult[];
  /** Aborted when the run times out; long loops may check it. */
  signal?: AbortSignal;
  /** Always set by the runner: parseTask and run use these instead of their own copies. */
  helpers: FunctionHelpers;
}

/** What callers of `runFunctionAgent` pass: the runner adds `helpers` and combines `signal` with its timeout. */
export type FunctionRunContext = Omit<FunctionAgentContext, 'helpers'>;

/** The agent could not build an input from the task: ask the user this question. */
export interface NeedsInput {
  missing: string[];
  question: string;
}

/**
 * What `parseTask` returns: a candidate input (validated afterwards with `inputSchema`) or a
 * question. The candidate is deliberately loose; the schema is the authority on its shape.
 */
export type ParseTaskOutcome = { input: Record<string, unknown> } | NeedsInput;

export interface FunctionResult<D = unknown> {
  /**
   * The result's text. A large one (up to 100 MB) may come as pieces in order (say 1 MiB each):
   * it is then stored piece by piece and never joined into a second copy, and an async `run`
   * can yield to the event loop between pieces while it builds them.
   */
  markdown: string | readonly string[];
  data: D;
}

/** The default export of `agents/<department>/<name>/index.ts`. */
export interface FunctionAgentModule<I = unknown, D = unknown> {
  /** Receives zod; returns the schema of the input `run` accepts. */
  inputSchema: (z: InjectedZod) => ZodType<I>;
  parseTask: (task: string, ctx: FunctionAgentContext) => ParseTaskOutcome | Promise<ParseTaskOutcome>;
  run: (input: I, ctx: FunctionAgentContext) => FunctionResult<D> | Promise<FunctionResult<D>>;
  /** Upper bound for one run in milliseconds; the runner's default applies when omitted. */
  timeoutMs?: number;
}

export type FunctionRunOutcome<I = unknown, D = unknown> =
  | { kind: 'result'; markdown: ResultText; data: D; input: I }
  | { kind: 'needs_input'; question: string; missing: string[] };
