import { z, type ZodType } from 'zod';
import { FunctionAgentError } from './errors.js';
import { functionHelpers } from './helpers/index.js';
import { functionAgentOrigin } from './loader.js';
import type {
  FunctionAgentContext,
  FunctionAgentModule,
  FunctionRunContext,
  FunctionRunOutcome,
  ParseTaskOutcome,
} from './types.js';

export const DEFAULT_FUNCTION_TIMEOUT_MS = 10_000;

export interface RunFunctionAgentOptions {
  /** Overrides the module's own `timeoutMs` and the default. */
  timeoutMs?: number;
  /** Named in error messages (e.g. the agent's name or its module path). */
  label?: string;
}

const schemas = new WeakMap<object, ZodType>();

/**
 * What a function agent is asked: the task in words (its `parseTask` reads it), or an input
 * already built — a follow-up that changed an earlier run's input — which only the schema checks.
 */
export type FunctionTask = string | { input: Record<string, unknown> };

/** The module's input schema, built once per module. */
export function schemaOf(agent: FunctionAgentModule<unknown, unknown>, label = 'function agent'): ZodType {
  const cached = schemas.get(agent);
  if (cached) return cached;
  let schema: ZodType;
  try {
    schema = agent.inputSchema(z);
  } catch (err) {
    throw new FunctionAgentError(
      'function_agent/invalid_export',
      `${label}: inputSchema(z) threw: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
  if (typeof (schema as { safeParse?: unknown } | null)?.safeParse !== 'function') {
    throw new FunctionAgentError('function_agent/invalid_export', `${label}: inputSchema(z) must return a zod schema`);
  }
  schemas.set(agent, schema);
  return schema;
}

/** The context an agent sees: the caller's, plus the shared helpers. For calling parseTask directly. */
export const functionAgentContext = (ctx: FunctionRunContext): FunctionAgentContext => ({
  ...ctx,
  helpers: functionHelpers,
});

const isMarkdown = (m: unknown): m is string | readonly string[] =>
  typeof m === 'string' || (Array.isArray(m) && m.every((piece) => typeof piece === 'string'));

const isNeedsInput = (o: ParseTaskOutcome): o is { missing: string[]; question: string } => 'question' in o;

/** "investment: Too small: expected number to be >0" — the field first, so the user knows what to fix. */
export function describeIssues(error: z.ZodError): { missing: string[]; question: string } {
  const field = (i: z.core.$ZodIssue): string => (i.path.length ? i.path.map(String).join('.') : 'input');
  const missing = [...new Set(error.issues.map(field))];
  const lines = error.issues.map((i) => `- ${field(i)}: ${i.message}`);
  return {
    missing,
    question: `Some of the input is not usable:\n${lines.join('\n')}\nCould you correct ${missing.join(', ')}?`,
  };
}

/**
 * parseTask (for a task in words) → validate with the module's schema → run, bounded by a timeout. Problems with the
 * user's task come back as `needs_input` with a question; bugs in the module throw a
 * FunctionAgentError with a code. A timeout cannot stop synchronous code already running; it
 * stops waiting and aborts `ctx.signal` so cooperative loops can end.
 */
export async function runFunctionAgent<I, D>(
  agent: FunctionAgentModule<I, D>,
  task: FunctionTask,
  ctx: FunctionRunContext,
  options: RunFunctionAgentOptions = {},
): Promise<FunctionRunOutcome<I, D>> {
  const modulePath = functionAgentOrigin(agent)?.modulePath;
  const label = options.label ?? modulePath ?? 'function agent';
  const schema = schemaOf(agent as FunctionAgentModule<unknown, unknown>, label) as ZodType<I>;
  const timeoutMs = options.timeoutMs ?? agent.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  const controller = new AbortController();
  const runCtx: FunctionAgentContext = {
    ...functionAgentContext(ctx),
    signal: ctx.signal ? AbortSignal.any([ctx.signal, controller.signal]) : controller.signal,
  };

  return withTimeout(timeoutMs, label, modulePath, controller, async () => {
    let parsed: ParseTaskOutcome;
    try {
      parsed = typeof task === 'string' ? await agent.parseTask(task, runCtx) : { input: task.input };
    } catch (err) {
      throw new FunctionAgentError(
        'function_agent/parse_task_failed',
        `${label}: parseTask threw: ${(err as Error).message}`,
        modulePath,
        { cause: err },
      );
    }
    if (typeof parsed !== 'object' || parsed === null) {
      throw new FunctionAgentError(
        'function_agent/parse_task_failed',
        `${label}: parseTask must return { input } or { missing, question }`,
        modulePath,
      );
    }
    if (isNeedsInput(parsed)) {
      return {
        kind: 'needs_input',
        question: String(parsed.question),
        missing: Array.isArray(parsed.missing) ? parsed.missing.map(String) : [],
      };
    }
    const valid = schema.safeParse(parsed.input);
    if (!valid.success) return { kind: 'needs_input', ...describeIssues(valid.error) };

    let result: unknown;
    try {
      result = await agent.run(valid.data, runCtx);
    } catch (err) {
      throw new FunctionAgentError(
        'function_agent/run_failed',
        `${label}: run threw: ${(err as Error).message}`,
        modulePath,
        { cause: err },
      );
    }
    const r = result as { markdown?: unknown; data?: unknown } | null;
    if (typeof r !== 'object' || r === null || !isMarkdown(r.markdown)) {
      throw new FunctionAgentError(
        'function_agent/invalid_result',
        `${label}: run must return { markdown: string | string[], data }`,
        modulePath,
      );
    }
    return { kind: 'result', markdown: r.markdown, data: r.data as D, input: valid.data };
  });
}

async function withTimeout<T>(
  ms: number,
  label: string,
  modulePath: string | undefined,
  controller: AbortController,
  work: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new FunctionAgentError('function_agent/timeout', `${label}: did not finish within ${ms} ms`, modulePath));
    }, ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
