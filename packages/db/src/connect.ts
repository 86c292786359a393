import pg from 'pg';
import { explainConnectError } from './errors.js';
import { applyTenantScope, currentTenantScope } from './tenancy.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// Return bigint columns (message seq, counts) as JS numbers: they stay far below 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  connectionTimeoutMillis?: number;
  /** Told when a connection cannot be opened or breaks (the server went away or terminated it). */
  onConnectionError?: (err: Error) => void;
  /**
   * The role every connection acts as (`SET ROLE` at connect, checked by the server): one
   * without BYPASSRLS, so that row-level security applies to what the pool runs.
   */
  role?: string;
  /** Set each checkout's session to the caller's tenant scope (see tenancy.ts). */
  tenantScoped?: boolean;
}

/**
 * A pool whose checkouts (`connect()`, and `query()`, which checks out through it) carry the
 * tenant scope of the code that asked for them: captured when asked, since a waiting request
 * is handed its connection later from whichever code released one.
 */
class TenantScopedPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    const scope = currentTenantScope();
    const scoped = super.connect().then(async (client) => {
      try {
        await applyTenantScope(client, scope);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      return client;
    });
    if (!callback) return scoped;
    scoped.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (err: Error) => callback(err, undefined, () => undefined),
    );
  }
}

/**
 * The pool's clients, with two additions. Each listens for its own errors: the pool listens on
 * idle clients only, and a checked-out client (a transaction, a session's advisory lock) whose
 * connection breaks would otherwise emit 'error' with nobody listening, which kills the process.
 * And a failed connect is reported too: the pool hands it only to the caller that waited.
 */
function reportingClient(report: (err: Error) => void): new (config?: pg.ClientConfig) => pg.Client {
  return class ReportingClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super(config);
      this.on('error', report);
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
      if (!callback)
        return super.connect().catch((err: Error) => {
          report(err);
          throw err;
        });
      super.connect((err: Error) => {
        if (err) report(err);
        callback(err);
      });
    }
  };
}

/**
 * Opens a pool and proves it works with one round trip, so a wrong DATABASE_URL fails at boot
 * with one clear line instead of on the first request.
 */
export async function openPool(url: string, options: PoolOptions = {}): Promise<pg.Pool> {
  // Spelled into a startup parameter: a plain identifier only.
  if (options.role !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.role))
    throw new TypeError(`Not a plain role name: ${JSON.stringify(options.role)}`);
  const Pool = options.tenantScoped ? TenantScopedPool : pg.Pool;
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'orchestrator',
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    // A startup parameter, so no connection ever runs a statement as the login role.
    ...(options.role ? { options: `-c role=${options.role}` } : {}),
    Client: reportingClient((err) => options.onConnectionError?.(err)),
  });
  // A connection that breaks must not crash the process: the pool drops it and the next query
  // opens a new one.
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
