import { openPool } from '@orchestrator/db';
import { createTestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestPool {
  pool: pg.Pool;
  close: () => Promise<void>;
}

/** A fresh, migrated database for one test file (a copy of the template made by global-setup). */
export async function openTestPool(): Promise<TestPool> {
  const db = await createTestDatabase(inject('pgAdminUrl'), inject('pgTemplate'));
  const pool = await openPool(db.url, { max: 4 });
  return {
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

export async function truncateCheckpoints(pool: pg.Pool): Promise<void> {
  await pool.query('truncate checkpoints.checkpoints, checkpoints.blobs, checkpoints.writes');
}

/** Counts statements sent to Postgres while `fn` runs (each one is a round trip). */
export async function countQueries<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; queries: string[]; configs: Array<{ text: string; name?: string }> }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const queries: string[] = [];
  const configs: Array<{ text: string; name?: string }> = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : String((first as { text?: string }).text ?? '');
    queries.push(text);
    configs.push({ text, name: typeof first === 'string' ? undefined : (first as { name?: string }).name });
    return original.apply(this, args);
  };
  try {
    return { result: await fn(), queries, configs };
  } finally {
    proto.query = original;
  }
}
