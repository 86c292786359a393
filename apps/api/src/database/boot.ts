import path from 'node:path';
import { ensureDatabase, migrate, openPool, runSqlFile, startEmbeddedPostgres, type Pool } from '@orchestrator/db';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/env.js';

export interface DatabaseHandle {
  pool: Pool;
  /** Connection string of the running database (password hidden when logged). */
  url: string;
  embedded: boolean;
  close: () => Promise<void>;
}

const EMBEDDED_DATABASE = 'orchestrator';

/**
 * Connects to DATABASE_URL, or starts the embedded Postgres when it is unset; then applies
 * pending migrations and the idempotent seed. Fails with one line saying what to fix.
 */
export async function bootDatabase(config: AppConfig, log: Logger): Promise<DatabaseHandle> {
  let url = config.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const dataDir = path.join(config.dataDir, 'postgres');
    log.info({ dataDir }, 'starting embedded Postgres');
    const server = await startEmbeddedPostgres({
      dataDir,
      port: config.env.EMBEDDED_PG_PORT,
      onLog: (line) => log.trace({ postgres: line.trim() }),
    });
    stopEmbedded = server.stop;
    await ensureDatabase(server.url('postgres'), EMBEDDED_DATABASE);
    url = server.url(EMBEDDED_DATABASE);
  }
  try {
    const pool = await openPool(url, { max: config.env.DB_POOL_MAX });
    const { applied, changed } = await migrate(pool, config.migrationsDir);
    if (applied.length) log.info({ applied }, 'applied migrations');
    if (changed.length)
      log.warn(
        { changed },
        'applied migrations were edited after being applied; migrations are forward-only, add a new one instead',
      );
    await runSqlFile(pool, config.seedFile);
    return {
      pool,
      url,
      embedded: Boolean(stopEmbedded),
      close: async () => {
        await pool.end().catch(() => undefined);
        await stopEmbedded?.();
      },
    };
  } catch (err) {
    await stopEmbedded?.();
    throw err;
  }
}
