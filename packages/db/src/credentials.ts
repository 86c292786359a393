import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from './atomic-file.js';
import { DatabaseSetupError } from './errors.js';

export interface Login {
  user: string;
  password: string;
}

/** The logins of an embedded cluster, kept in its credentials file (docs/operations.md → Embedded database credentials). */
export interface EmbeddedCredentials {
  /** The cluster's superuser: creates databases and roles, runs migrations. */
  superuser: Login;
  /** The role the API's runtime connections use: no superuser, no DDL. */
  app: Login;
}

export const SUPERUSER = 'postgres';
export const APP_ROLE = 'orchestrator_app';

/**
 * Beside the data folder, not in it: initdb wants an empty folder, and the folder belongs to the
 * OS user `postgres` when the API runs as root, while this file stays readable by the API alone.
 */
export function credentialsFile(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}.credentials.json`);
}

/** 256 random bits, URL-safe, so they go into a connection string as they are. */
const newPassword = () => randomBytes(32).toString('base64url');

const isLogin = (value: unknown): value is Login =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Login).user === 'string' &&
  typeof (value as Login).password === 'string' &&
  (value as Login).password.length > 0;

/** The credentials of the cluster in `dataDir`, or undefined when it has no credentials file (yet). */
export async function readEmbeddedCredentials(dataDir: string): Promise<EmbeddedCredentials | undefined> {
  const file = credentialsFile(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const { superuser, app } = (parsed ?? {}) as Partial<EmbeddedCredentials>;
  if (!isLogin(superuser) || !isLogin(app) || superuser.user !== SUPERUSER || app.user !== APP_ROLE)
    throw new DatabaseSetupError(
      'db/embedded_failed',
      `${file} is not a credentials file of the embedded Postgres (a "superuser" and an "app" login): restore it from a backup`,
    );
  // Whoever loosened it, it holds a superuser's password.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return { superuser, app };
}

/**
 * The credentials of the cluster in `dataDir`; new random ones, written first, when it has none:
 * for a cluster about to be created, and for one created before this file existed (which still
 * has the fixed password `postgres`, changed to the new one once it runs).
 */
export async function loadOrCreateCredentials(dataDir: string): Promise<EmbeddedCredentials> {
  const existing = await readEmbeddedCredentials(dataDir);
  if (existing) return existing;
  const credentials: EmbeddedCredentials = {
    superuser: { user: SUPERUSER, password: newPassword() },
    app: { user: APP_ROLE, password: newPassword() },
  };
  await replaceFile(credentialsFile(dataDir), `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
  return credentials;
}

/** A connection string for `login` on the embedded cluster listening on `port`. */
export function embeddedUrl(port: number, login: Login, database = 'postgres'): string {
  return `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}
