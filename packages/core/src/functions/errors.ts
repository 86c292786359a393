/**
 * Bugs in a function agent's module (not problems with the user's task, which become questions).
 * The execution engine maps these to its error categories by `code`.
 */
export type FunctionAgentErrorCode =
  | 'function_agent/not_found'
  | 'function_agent/syntax_error'
  | 'function_agent/forbidden_import'
  | 'function_agent/load_failed'
  | 'function_agent/invalid_export'
  | 'function_agent/parse_task_failed'
  | 'function_agent/run_failed'
  | 'function_agent/invalid_result'
  | 'function_agent/timeout';

export class FunctionAgentError extends Error {
  override readonly name = 'FunctionAgentError';

  constructor(
    readonly code: FunctionAgentErrorCode,
    message: string,
    /** The module file the problem is in, when known. */
    readonly modulePath?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Detects by name and code, not `instanceof`: errors cross package and module-cache boundaries. */
export function isFunctionAgentError(err: unknown): err is FunctionAgentError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'FunctionAgentError' && typeof e.code === 'string' && e.code.startsWith('function_agent/');
}
