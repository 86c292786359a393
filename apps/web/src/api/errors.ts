export interface ApiIssue {
  path: string;
  message: string;
}

/**
 * Every failure of an API call: the server's `domain/reason` code and message when it sent an
 * error body, or a client-side code (`network/unreachable`, `client/invalid_response`) otherwise.
 * `status` is 0 when no HTTP response arrived.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly status: number;
  readonly issues: ApiIssue[];
  /** The server's machine-readable `error.details` (e.g. the current version on a 409 conflict). */
  readonly details: unknown;

  constructor(init: { code: string; message: string; status: number; issues?: ApiIssue[]; details?: unknown }) {
    super(init.message);
    this.code = init.code;
    this.status = init.status;
    this.issues = init.issues ?? [];
    this.details = init.details;
  }
}

/** Detected by name rather than `instanceof`, so errors crossing module copies still match. */
export function isApiError(value: unknown): value is ApiError {
  return value instanceof Error && value.name === 'ApiError' && 'code' in value && 'status' in value;
}

/** Turns anything thrown into an ApiError, so stores only ever hold one error shape. */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new ApiError({ code: 'client/unexpected', message, status: 0 });
}
