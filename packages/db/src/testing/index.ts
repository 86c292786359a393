import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPool } from '../connect.js';
import { startEmbeddedPostgres } from '../embedded.js';
import { migrate } from '../migrate.js';

/**
 * The Postgres test tier (after immich): migrate once into a template database, then give each
 * test file its own `CREATE DATABASE … TEMPLATE` copy. Uses TEST_DATABASE_URL when set,
 * otherwise a throwaway embedded Postgres.
 */
export interface TestPostgres {
  adminUrl: string;
  template: string;
  teardown: () => Promise<void>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function setupTestPostgres(migrationsDir: string): Promise<TestPostgres> {
  let stopEmbedded: (() => Promise<void>) | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  let dataDir: string | undefined;
  if (!adminUrl) {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'orch-test-pg-'));
    dataDir = path.join(parent, 'data');
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    adminUrl = server.superuserUrl('postgres');
    stopEmbedded = server.stop;
  }
  const template = `orch_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`create database ${quote(template)}`));
  const pool = await openPool(withDatabase(adminUrl, template), { max: 2 });
  try {
    await migrate(pool, migrationsDir);
  } finally {
    await pool.end();
  }
  const url = adminUrl;
  return {
    adminUrl: url,
    template,
    teardown: async () => {
      await admin(url, (c) => c.query(`drop database if exists ${quote(template)} with (force)`)).catch(
        () => undefined,
      );
      if (stopEmbedded) await stopEmbedded();
      if (dataDir) await rm(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh, fully migrated database for one test file. */
export async function createTestDatabase(adminUrl: string, template: string): Promise<TestDatabase> {
  const name = `orch_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`create database ${quote(name)} template ${quote(template)}`));
  return {
    url: withDatabase(adminUrl, name),
    drop: () =>
      admin(adminUrl, (c) => c.query(`drop database if exists ${quote(name)} with (force)`)).then(() => undefined),
  };
}
