import path from 'node:path';
import {
  APP_ROLE,
  ensureDatabase,
  ensureRuntimeRole,
  grantRuntimePrivileges,
  migrate,
  openPool,
  runSqlFile,
  startEmbeddedPostgres,
  type Pool,
  type SupervisionEvent,
} from '@orchestrator/db';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/env.js';
import { registerConfiguredSecrets } from '../config/secrets.js';
import { installRunQueue } from '../modules/execution/runner/run-queue.js';
import { DatabaseAvailability, tolerateOutageRejections } from './availability.js';

export interface DatabaseHandle {
  pool: Pool;
  /**
   * Connection string the process works with (password hidden when logged): DATABASE_URL as
   * given, or the embedded database's runtime role, which is no superuser.
   */
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
 *
 * The database is set up (migrations, seed, grants; for the embedded one also pg-boss's schema)
 * over a connection of its own, closed before the API starts: as the embedded database's
 * superuser, or as DATABASE_URL's user. The API then works as the runtime role
 * `orchestrator_app`, which may read and write rows but not change the schema, and has no
 * BYPASSRLS, so row-level security applies to everything it runs (docs/security.md, "Tenant
 * isolation"; docs/operations.md, "Runtime role"). The embedded database's role logs in itself;
 * DATABASE_URL's user acts as it (`SET ROLE` at connect).
 */
export async function bootDatabase(config: AppConfig, log: Logger): Promise<DatabaseHandle> {
  let url = config.env.DATABASE_URL;
  let superuserUrl: string | undefined;
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
    // Known only now; redacted from here on, wherever they show up.
    registerConfiguredSecrets(config, server.superuserUrl(), server.appUrl());
    if (server.replacedFixedPassword)
      log.warn(
        { credentialsFile: server.credentialsFile },
        'the embedded Postgres no longer takes the password "postgres": its superuser and the API\'s role have random passwords, kept in the credentials file',
      );
    await ensureDatabase(server.superuserUrl('postgres'), EMBEDDED_DATABASE);
    superuserUrl = server.superuserUrl(EMBEDDED_DATABASE);
    url = server.appUrl(EMBEDDED_DATABASE);
  }
  let pool: Pool | undefined;
  let untolerate: (() => void) | undefined;
  // Embedded: the runtime role logs in itself. DATABASE_URL: its user acts as the role, if it may.
  let actAs: string | undefined;
  const release = async () => {
    untolerate?.();
    availability?.close();
    await pool?.end().catch(() => undefined);
    await stopEmbedded?.();
  };
  try {
    if (superuserUrl) await setUpAsSuperuser(superuserUrl, config, log);
    else actAs = await setUpAsUrlUser(url, config, log);
    pool = await openPool(url, {
      max: config.env.DB_POOL_MAX,
      onConnectionError: (err) => availability?.report(err),
      role: actAs,
      tenantScoped: true,
    });
    const probe = pool;
    availability = new DatabaseAvailability(() => probe.query('select 1'), log);
    untolerate = tolerateOutageRejections(availability);
    return { pool, url, embedded: Boolean(stopEmbedded), availability, close: release };
  } catch (err) {
    await release();
    throw err;
  }
}

async function migrateAndSeed(pool: Pool, config: AppConfig, log: Logger): Promise<void> {
  const { applied, changed } = await migrate(pool, config.migrationsDir);
  if (applied.length) log.info({ applied }, 'applied migrations');
  if (changed.length)
    log.warn(
      { changed },
      'applied migrations were edited after being applied; migrations are forward-only, add a new one instead',
    );
  await runSqlFile(pool, config.seedFile);
}

/**
 * What the runtime role may not do itself: migrate, seed, install pg-boss's schema and queues,
 * then grant it what it needs on everything that exists now.
 */
async function setUpAsSuperuser(superuserUrl: string, config: AppConfig, log: Logger): Promise<void> {
  const admin = await openPool(superuserUrl, { max: 1, applicationName: 'orchestrator-setup' });
  try {
    await migrateAndSeed(admin, config, log);
    await installRunQueue(superuserUrl);
    await grantRuntimePrivileges(admin, APP_ROLE);
  } finally {
    await admin.end();
  }
}

/**
 * DATABASE_URL's user migrates and seeds, then lets the API act as the runtime role. A user who
 * may not create roles (and none was made for it) leaves row-level security to the grants the
 * operator made: said once, loudly, with the fix.
 */
async function setUpAsUrlUser(url: string, config: AppConfig, log: Logger): Promise<string | undefined> {
  const setup = await openPool(url, { max: 1, applicationName: 'orchestrator-setup' });
  try {
    await migrateAndSeed(setup, config, log);
    try {
      await ensureRuntimeRole(setup, APP_ROLE);
    } catch (err) {
      if ((err as { code?: string }).code !== '42501') throw err;
      log.warn(
        { err },
        `row-level security is NOT enforced: the DATABASE_URL user may not create or act as the role "${APP_ROLE}"; create it and grant it to that user (docs/operations.md, Runtime role)`,
      );
      return undefined;
    }
    await grantRuntimePrivileges(setup, APP_ROLE);
    return APP_ROLE;
  } finally {
    await setup.end();
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
