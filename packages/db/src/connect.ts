import pg from 'pg';
import { explainConnectError } from './errors.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// Return bigint columns (message seq, counts) as JS numbers: they stay far below 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  connectionTimeoutMillis?: number;
}

/**
 * Opens a pool and proves it works with one round trip, so a wrong DATABASE_URL fails at boot
 * with one clear line instead of on the first request.
 */
export async function openPool(url: string, options: PoolOptions = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'orchestrator',
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw explainConnectError(url, err);
  }
  return pool;
}

/** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
