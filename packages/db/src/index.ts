export { openPool, withTransaction, type Pool, type PoolClient, type PoolOptions } from './connect.js';
export { migrate, readMigrations, runSqlFile, type MigrationFile, type MigrationResult } from './migrate.js';
export {
  APP_ROLE,
  credentialsFile,
  embeddedUrl,
  readEmbeddedCredentials,
  type EmbeddedCredentials,
  type Login,
} from './credentials.js';
export { ensureRuntimeRole, grantRuntimePrivileges } from './runtime-privileges.js';
export { acrossWorkspaces, currentTenantScope, inWorkspace, type TenantScope } from './tenancy.js';
export {
  startEmbeddedPostgres,
  ensureDatabase,
  freePort,
  type EmbeddedOptions,
  type EmbeddedPostgresHandle,
  type SupervisionEvent,
} from './embedded.js';
export { DatabaseSetupError, explainConnectError, isDatabaseUnavailable, redactUrl } from './errors.js';
