import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { DatabaseSetupError } from './errors.js';

/** Files named like Supabase CLI migrations: `YYYYMMDDHHMMSS_<name>.sql`. */
const FILE_PATTERN = /^(\d{14})_([a-z0-9_]+)\.sql$/;
/** The ledger of applied migrations, in the first schema of the migrating role's search_path (`public`). */
export const MIGRATIONS_TABLE = 'schema_migrations';
/** Arbitrary constant that identifies "the migration lock" among advisory locks. */
const LOCK_KEY = 7_361_002_118;

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  /** Already-applied files whose content changed since: forward-only means they are not re-run. */
  changed: string[];
}

export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const file of entries) {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new DatabaseSetupError(
        'db/migration_failed',
        `Migration file name ${path.join(dir, file)} must look like YYYYMMDDHHMMSS_name.sql`,
      );
    }
    const sql = await readFile(path.join(dir, file), 'utf8');
    files.push({
      version: match[1]!,
      name: match[2]!,
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return files;
}

/**
 * Applies pending migrations in order, each in its own transaction, and records them.
 * A session-level advisory lock serialises concurrent runners (two API processes booting at
 * once): the second waits, then finds nothing left to apply.
 */
export async function migrate(pool: pg.Pool, dir: string): Promise<MigrationResult> {
  const files = await readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`create table if not exists ${MIGRATIONS_TABLE} (
      version text primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      `select version, checksum from ${MIGRATIONS_TABLE}`,
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const result: MigrationResult = { applied: [], changed: [] };
    for (const m of files) {
      const previous = done.get(m.version);
      if (previous !== undefined) {
        if (previous !== m.checksum) result.changed.push(m.file);
        continue;
      }
      try {
        await client.query('begin');
        await client.query(m.sql);
        await client.query(`insert into ${MIGRATIONS_TABLE} (version, name, checksum) values ($1, $2, $3)`, [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        const detail = err instanceof Error ? err.message : String(err);
        throw new DatabaseSetupError('db/migration_failed', `Migration ${m.file} failed: ${detail}`, { cause: err });
      }
      result.applied.push(m.file);
    }
    return result;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** Runs an idempotent SQL file (e.g. `supabase/seed.sql`) in one transaction. */
export async function runSqlFile(pool: pg.Pool, file: string): Promise<void> {
  const sql = await readFile(file, 'utf8');
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(sql);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    const detail = err instanceof Error ? err.message : String(err);
    throw new DatabaseSetupError('db/migration_failed', `${file} failed: ${detail}`, { cause: err });
  } finally {
    client.release();
  }
}
