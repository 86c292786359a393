import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@orchestrator/db';
import pg from 'pg';

/**
 * The Postgres server a bench runs on: BENCH_DATABASE_URL or DATABASE_URL if set, otherwise an
 * embedded one with production settings (fsync on; BENCH_FSYNC=off turns it off).
 */
export async function benchServer(prefix: string): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (given) return { adminUrl: given, stop: async () => undefined };
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-pg-`));
  const pgServer = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'data'),
    ephemeral: process.env.BENCH_FSYNC === 'off',
  });
  return {
    adminUrl: pgServer.superuserUrl('postgres'),
    stop: async () => {
      await pgServer.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
