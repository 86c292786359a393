/** A database problem explained in one line that says what to fix. */
export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
  constructor(
    readonly code:
      | 'db/unreachable'
      | 'db/auth_failed'
      | 'db/not_found'
      | 'db/embedded_failed'
      | 'db/migration_failed'
      | 'db/runtime_role_bypasses_rls',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Hides the password of a connection string so it can be logged or shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

const pgCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;

/** Socket errors of a server that is down, restarting or out of reach. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a server that is shutting down, crashed or not accepting connections yet. */
const SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03']);
/**
 * node-postgres raises these without a code when a connection drops or cannot be opened in time;
 * their message is all there is to recognise them by.
 */
const DRIVER_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

function serverGone(err: unknown, depth: number): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const code = pgCode(err);
  if (code !== undefined && (SHUTDOWN_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => message.startsWith(m))) return true;
  return serverGone((err as { cause?: unknown }).cause, depth + 1);
}

/**
 * True when `err` says the database cannot be reached right now — connection refused or dropped,
 * the server shutting down, crashed or still starting (57P01–57P03), a connection exception
 * (SQLSTATE class 08) — as opposed to a statement the database refused. Detected by code (and,
 * for node-postgres's code-less errors, by message), never by `instanceof`. Socket codes count
 * only on the error itself, as node-postgres surfaces them: an LLM call's `fetch failed` that
 * wraps an ECONNREFUSED is not about the database.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (SOCKET_CODES.has(pgCode(err) ?? '')) return true;
  // A host with several addresses (localhost: ::1 and 127.0.0.1) refuses as an AggregateError.
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.some((e) => SOCKET_CODES.has(pgCode(e) ?? ''))) return true;
  return serverGone(err, 0);
}

/** Turns a driver error from the first connection into an actionable message. */
export function explainConnectError(url: string, err: unknown): DatabaseSetupError {
  const where = redactUrl(url);
  const detail = err instanceof Error ? err.message : String(err);
  const code = pgCode(err);
  if (code === '28P01' || code === '28000') {
    return new DatabaseSetupError(
      'db/auth_failed',
      `DATABASE_URL rejected the credentials (${where}): ${detail}. Fix the user/password in DATABASE_URL.`,
      { cause: err },
    );
  }
  if (code === '3D000') {
    return new DatabaseSetupError(
      'db/not_found',
      `DATABASE_URL names a database that does not exist (${where}): ${detail}. Create it or fix the name in DATABASE_URL.`,
      { cause: err },
    );
  }
  return new DatabaseSetupError(
    'db/unreachable',
    `DATABASE_URL unreachable (${where}): ${detail}. Check that Postgres is running and the host/port are right, or unset DATABASE_URL to use the embedded database.`,
    { cause: err },
  );
}
