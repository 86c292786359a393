/** A database problem explained in one line that says what to fix. */
export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
  constructor(
    readonly code: 'db/unreachable' | 'db/auth_failed' | 'db/not_found' | 'db/embedded_failed' | 'db/migration_failed',
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
