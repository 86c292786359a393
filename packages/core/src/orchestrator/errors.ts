/** Why a reply could not be produced, in a form a person can act on. */
export interface ReplyError {
  code:
    | 'llm/timeout'
    | 'llm/rate_limited'
    | 'llm/auth_failed'
    | 'llm/unavailable'
    | 'llm/bad_output'
    | 'orchestrator/interrupted'
    | 'orchestrator/internal';
  message: string;
}

/** The reply was cut off by the server stopping, more than once: offered to retry, not retried again. */
export const INTERRUPTED: ReplyError = {
  code: 'orchestrator/interrupted',
  message: 'The server stopped while answering this message, more than once. The message is saved; retry when ready.',
};

const text = (err: unknown): string => (err instanceof Error ? `${err.name} ${err.message}` : String(err));
const status = (err: unknown): number | undefined => {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
};

/** Classifies by status code and error name/message, not `instanceof` (errors cross packages). */
export function classifyReplyError(err: unknown): ReplyError {
  const t = text(err).toLowerCase();
  const s = status(err);
  if (t.includes('abort') || t.includes('timeout') || t.includes('timed out')) {
    return {
      code: 'llm/timeout',
      message: 'The language model did not answer in time. Try again, or raise LLM_TIMEOUT_MS.',
    };
  }
  if (s === 429 || t.includes('rate limit'))
    return {
      code: 'llm/rate_limited',
      message: 'The language model provider is rate-limiting requests. Try again in a minute.',
    };
  if (s === 401 || s === 403 || t.includes('api key'))
    return {
      code: 'llm/auth_failed',
      message: 'The language model provider rejected the credentials. Check the API key in the configuration.',
    };
  if (
    t.includes('econnrefused') ||
    t.includes('fetch failed') ||
    t.includes('enotfound') ||
    (s !== undefined && s >= 500)
  ) {
    return {
      code: 'llm/unavailable',
      message: 'The language model provider could not be reached. Check its URL and that it is running.',
    };
  }
  if (t.includes('empty answer'))
    return { code: 'llm/bad_output', message: 'The language model returned an empty answer.' };
  return {
    code: 'orchestrator/internal',
    message: 'Something went wrong while answering. The message is saved; try again.',
  };
}
