import { isDatabaseUnavailable } from '@orchestrator/db';
import type { ZodError } from 'zod';

/** Every error code the API returns, mapped to an HTTP status in one place. */
export const ERROR_STATUS = {
  'request/invalid': 400,
  'request/malformed_json': 400,
  'request/too_large': 413,
  'request/unsupported_media_type': 415,
  'request/host_not_allowed': 403,
  'request/rate_limited': 429,
  'request/not_found': 404,
  'conversation/not_found': 404,
  'conversation/message_not_found': 404,
  'conversation/already_answered': 409,
  'conversation/reply_in_progress': 409,
  'project/not_found': 404,
  'project/invalid_transition': 409,
  'plan/stale_version': 409,
  'plan/invalid': 422,
  'delegation/not_found': 404,
  'approval/not_found': 404,
  'approval/already_decided': 409,
  'approval/expired': 409,
  'budget/not_found': 404,
  'budget/unknown_scope': 422,
  'agent/not_found': 404,
  'agent/version_not_found': 404,
  'agent/version_conflict': 409,
  'agent/exists': 409,
  'agent/invalid': 422,
  'agent/cannot_retire': 409,
  'improvement/not_found': 404,
  'improvement/already_open': 409,
  'improvement/not_applied': 409,
  'agent_build/not_found': 404,
  'agent_build/finished': 409,
  'token/not_found': 404,
  'auth/unauthenticated': 401,
  'auth/keys_unavailable': 503,
  'auth/forbidden': 403,
  'auth/invalid_credentials': 401,
  'auth/setup_token_invalid': 403,
  'auth/already_set_up': 409,
  'auth/reset_invalid': 404,
  'auth/local_mode': 409,
  'workspace/not_found': 404,
  'member/not_found': 404,
  'member/last_admin': 409,
  'invitation/not_found': 404,
  'internal/error': 500,
  'database/unavailable': 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    /** Machine-readable context the client needs to act (e.g. the current version on a conflict). */
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static fromZod(error: ZodError, where: string): AppError {
    const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return new AppError('request/invalid', `Invalid ${where}: ${summary}`, issues);
  }
}

export const isAppError = (err: unknown): err is AppError =>
  err instanceof Error && err.name === 'AppError' && 'code' in err;

/**
 * The answer to a request that failed because the database cannot be reached (connection refused
 * or dropped, the server restarting): 503 `database/unavailable`, whatever the route; undefined
 * for any other failure.
 */
export function databaseUnavailable(err: unknown): AppError | undefined {
  if (!isDatabaseUnavailable(err)) return undefined;
  return new AppError('database/unavailable', 'The database is unavailable right now. Try again in a moment.');
}
