import path from 'node:path';
import {
  ensureDatabase,
  migrate,
  openPool,
  runSqlFile,
  startEmbeddedPostgres,
  type Pool,
  type SupervisionEvent,
} from '@orchestrator/db';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/env.js';
import { DatabaseAvailability, tolerateOutageRejections } from './availability.js';

export interface DatabaseHandle {
  pool: Pool;
  /** Connection string of the running database (password hidden when logged). */
  url: string;
  embedded: boolean;
  /** Whether the database can be reached now; tells listeners when it is back after an outage. */
  availability: DatabaseAvailability;
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
  // Created with the pool; the postmaster may exit before that, when boot fails anyway.
  let availability: DatabaseAvailability | undefined;
  if (!url) {
    const dataDir = path.join(config.dataDir, 'postgres');
    log.info({ dataDir }, 'starting embedded Postgres');
    const server = await startEmbeddedPostgres({
      dataDir,
      port: config.env.EMBEDDED_PG_PORT,
      onLog: (line) => log.trace({ postgres: line.trim() }),
      onSupervision: (event) => onSupervision(event, log, availability),
    });
    stopEmbedded = server.stop;
    await ensureDatabase(server.superuserUrl('postgres'), EMBEDDED_DATABASE);
    url = server.superuserUrl(EMBEDDED_DATABASE);
  }
  let pool: Pool | undefined;
  let untolerate: (() => void) | undefined;
  const release = async () => {
    untolerate?.();
    availability?.close();
    await pool?.end().catch(() => undefined);
    await stopEmbedded?.();
  };
  try {
    pool = await openPool(url, {
      max: config.env.DB_POOL_MAX,
      onConnectionError: (err) => availability?.report(err),
    });
    const probe = pool;
    availability = new DatabaseAvailability(() => probe.query('select 1'), log);
    untolerate = tolerateOutageRejections(availability);
    const { applied, changed } = await migrate(pool, config.migrationsDir);
    if (applied.length) log.info({ applied }, 'applied migrations');
    if (changed.length)
      log.warn(
        { changed },
        'applied migrations were edited after being applied; migrations are forward-only, add a new one instead',
      );
    await runSqlFile(pool, config.seedFile);
    return { pool, url, embedded: Boolean(stopEmbedded), availability, close: release };
  } catch (err) {
    await release();
    throw err;
  }
}

/**
 * The embedded postmaster exited on its own: requests answer 503 at once while it is restarted.
 * If it cannot be restarted the process exits non-zero, so that a supervisor (systemd, Docker,
 * Kubernetes) starts it afresh (docs/operations.md, "Database outages").
 */
function onSupervision(event: SupervisionEvent, log: Logger, availability: DatabaseAvailability | undefined): void {
  switch (event.kind) {
    case 'exited': {
      const how = event.signal ? `signal ${event.signal}` : `code ${event.code}`;
      log.error(`embedded Postgres exited unexpectedly (${how}); restarting it`);
      availability?.lost(`embedded Postgres exited (${how})`);
      return;
    }
    case 'restart_failed':
      log.warn({ err: event.error }, `embedded Postgres restart attempt ${event.attempt} failed; trying again`);
      return;
    case 'restarted':
      log.warn(`embedded Postgres restarted (attempt ${event.attempts})`);
      return;
    case 'gave_up': {
      const line = `embedded Postgres could not be restarted after ${event.attempts} attempts; exiting so that a supervisor restarts the process`;
      log.fatal({ err: event.error }, line);
      // The log may go through a worker (LOG_PRETTY) that exit() does not wait for.
      console.error(`Orchestrator is stopping: ${line}`);
      process.exit(1);
    }
  }
}
