import type { ErrorCategory, ErrorSeverity } from '@orchestrator/contracts';
import { redactedMessage } from '../security/redact.js';

export interface ClassifiedError {
  category: ErrorCategory;
  severity: ErrorSeverity;
  /** Worth retrying the same agent (transient). */
  retryable: boolean;
  message: string;
}

/** An error raised on purpose by the engine or an agent, carrying its category. */
export class StepError extends Error {
  override readonly name = 'StepError';
  constructor(
    readonly category: ErrorCategory,
    message: string,
    readonly severity: ErrorSeverity = 'medium',
  ) {
    super(message);
  }
}

const text = (err: unknown) => (err instanceof Error ? `${err.name} ${err.message}` : String(err)).toLowerCase();
const status = (err: unknown) => {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
};

/**
 * Maps any failure to one of the 12 categories × 4 severities (contracts' execution.ts). Detection is by
 * name, code and status — never `instanceof` across packages.
 */
export function classifyExecutionError(err: unknown): ClassifiedError {
  // Stored in project_errors and shown: a provider's error can echo the API key.
  const message = redactedMessage(err);
  if (err instanceof Error && err.name === 'StepError') {
    const e = err as StepError;
    return {
      category: e.category,
      severity: e.severity,
      retryable: e.category === 'network' || e.category === 'llm_timeout' || e.category === 'llm_rate_limit',
      message,
    };
  }
  const t = text(err);
  const s = status(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (t.includes('abort') && !t.includes('timeout'))
    return { category: 'cancelled', severity: 'low', retryable: false, message };
  if (s === 429 || t.includes('rate limit'))
    return { category: 'llm_rate_limit', severity: 'medium', retryable: true, message };
  if (t.includes('timeout') || t.includes('timed out'))
    return { category: 'llm_timeout', severity: 'medium', retryable: true, message };
  if (s === 401 || s === 403 || t.includes('permission') || t.includes('forbidden'))
    return { category: 'permission', severity: 'high', retryable: false, message };
  if (
    t.includes('econnrefused') ||
    t.includes('enotfound') ||
    t.includes('fetch failed') ||
    t.includes('socket hang up') ||
    (s !== undefined && s >= 500)
  ) {
    return { category: 'network', severity: 'medium', retryable: true, message };
  }
  if (t.includes('empty answer') || t.includes('bad output') || t.includes('malformed'))
    return { category: 'llm_bad_output', severity: 'medium', retryable: true, message };
  if (typeof code === 'string' && code.startsWith('function_agent/')) {
    return code === 'function_agent/timeout'
      ? { category: 'tool_failure', severity: 'medium', retryable: true, message }
      : { category: 'tool_failure', severity: 'high', retryable: false, message };
  }
  if (t.includes('zod') || t.includes('invalid input') || t.includes('validation'))
    return { category: 'validation', severity: 'medium', retryable: false, message };
  return { category: 'internal', severity: 'high', retryable: false, message };
}

/** Exponential backoff with equal jitter: attempt n waits between half and all of base·2^(n-1), capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
