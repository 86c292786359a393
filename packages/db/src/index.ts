export { openPool, withTransaction, type Pool, type PoolClient, type PoolOptions } from './connect.js';
export { migrate, readMigrations, runSqlFile, type MigrationFile, type MigrationResult } from './migrate.js';
export {
  startEmbeddedPostgres,
  ensureDatabase,
  freePort,
  type EmbeddedOptions,
  type EmbeddedPostgresHandle,
} from './embedded.js';
export { DatabaseSetupError, explainConnectError, redactUrl } from './errors.js';
