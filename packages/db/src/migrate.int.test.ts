import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from './connect.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded.js';
import { migrate } from './migrate.js';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../supabase/migrations');

let server: EmbeddedPostgresHandle | undefined;
let adminUrl: string;

beforeAll(async () => {
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    server = await startEmbeddedPostgres({
      dataDir: path.join(await mkdtemp(path.join(os.tmpdir(), 'orch-db-')), 'data'),
      ephemeral: true,
    });
    adminUrl = server.superuserUrl('postgres');
  }
});
const created: string[] = [];
afterAll(async () => {
  // Leave an existing server (TEST_DATABASE_URL) as it was found.
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  for (const name of created) await client.query(`drop database if exists "${name}" with (force)`);
  await client.end();
  await server?.stop();
});

async function freshDatabase(): Promise<string> {
  const name = `orch_mig_${Math.random().toString(36).slice(2, 10)}`;
  await ensureDatabase(adminUrl, name);
  created.push(name);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

describe('migrate', () => {
  it('should apply every migration once when two processes migrate concurrently', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([openPool(url, { max: 2 }), openPool(url, { max: 2 })]);
    try {
      const [ra, rb] = await Promise.all([migrate(a, MIGRATIONS), migrate(b, MIGRATIONS)]);
      const total = ra.applied.length + rb.applied.length;
      expect(total).toBeGreaterThan(5);
      expect(Math.min(ra.applied.length, rb.applied.length)).toBe(0);
      const { rows } = await a.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      expect(rows[0]!.n).toBe(total);
      // Running again applies nothing.
      expect((await migrate(a, MIGRATIONS)).applied).toEqual([]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('should roll back a failing migration and name the file', async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-mig-'));
    await writeFile(path.join(dir, '20260101000000_good.sql'), 'create table good (id int);');
    await writeFile(
      path.join(dir, '20260101000001_bad.sql'),
      'create table half (id int); select * from missing_table;',
    );
    const pool = await openPool(url, { max: 1 });
    try {
      await expect(migrate(pool, dir)).rejects.toThrow(/Migration 20260101000001_bad.sql failed: .*missing_table/);
      const { rows } = await pool.query<{ t: string | null }>("select to_regclass('half')::text as t");
      expect(rows[0]!.t).toBeNull();
      const applied = await pool.query<{ version: string }>('select version from schema_migrations');
      expect(applied.rows.map((r) => r.version)).toEqual(['20260101000000']);
    } finally {
      await pool.end();
    }
  });

  it('should report changed files instead of re-running them', async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-mig-'));
    await writeFile(path.join(dir, '20260101000000_one.sql'), 'create table one (id int);');
    const pool = await openPool(url, { max: 1 });
    try {
      await migrate(pool, dir);
      await writeFile(path.join(dir, '20260101000000_one.sql'), 'create table one (id bigint);');
      expect(await migrate(pool, dir)).toEqual({ applied: [], changed: ['20260101000000_one.sql'] });
    } finally {
      await pool.end();
    }
  });
});

describe('openPool', () => {
  it('should explain an unreachable database in one line', async () => {
    await expect(openPool('postgres://postgres@127.0.0.1:1/nope', { connectionTimeoutMillis: 2000 })).rejects.toThrow(
      /^DATABASE_URL unreachable \(postgres:\/\/postgres@127\.0\.0\.1:1\/nope\): .*Check that Postgres is running/,
    );
  });

  it('should explain a database that does not exist', async () => {
    const u = new URL(adminUrl);
    u.pathname = '/does_not_exist_here';
    await expect(openPool(u.toString())).rejects.toThrow(/names a database that does not exist/);
  });

  it('should hide the password in its messages', async () => {
    const err = await openPool('postgres://user:s3cret@127.0.0.1:1/x', { connectionTimeoutMillis: 1000 }).catch(
      (e: Error) => e,
    );
    expect(String(err)).not.toContain('s3cret');
  });
});
