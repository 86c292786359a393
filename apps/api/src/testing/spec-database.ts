import { createTestDatabase, type TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { inject } from 'vitest';

// Provided by test/global-setup.ts, which this package's tsconfig (src only) does not see.
declare module 'vitest' {
  export interface ProvidedContext {
    pg: { adminUrl: string; template: string };
  }
}

export interface SpecDatabase {
  db: TestDatabase;
  pool: pg.Pool;
  /** Ends the pool and drops the database. */
  close(): Promise<void>;
}

/** A spec file's own database (a copy of the migrated template test/global-setup.ts made) and a pool on it. */
export async function openSpecDatabase(poolMax = 4): Promise<SpecDatabase> {
  const { adminUrl, template } = inject('pg');
  const db = await createTestDatabase(adminUrl, template);
  const pool = new pg.Pool({ connectionString: db.url, max: poolMax });
  // Dropping the database at the end terminates clients the pool is still closing.
  pool.on('error', () => undefined);
  return {
    db,
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}
