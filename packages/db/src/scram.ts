import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The SCRAM-SHA-256 secret Postgres stores for `password`, in Postgres's own format (RFC 7677 keys,
 * 4096 iterations as Postgres's default). A role's password is set to this secret rather than to
 * the password itself, so the password never travels in a statement, which the server could log
 * (log_statement, a failing statement) or keep in pg_stat_statements. `password` must be plain
 * ASCII, which SASLprep leaves as it is (generated passwords are base64url).
 */
export function scramSecret(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}
