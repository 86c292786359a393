import { migrate, openPool } from '@orchestrator/db';
import { loadConfig } from '../config/env.js';

/** `pnpm migrate`: applies pending migrations to DATABASE_URL (e.g. a Supabase database). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.env.DATABASE_URL) {
    console.error('DATABASE_URL is not set. (Embedded mode migrates automatically on start.)');
    process.exit(2);
  }
  const pool = await openPool(config.env.DATABASE_URL, { max: 1 });
  try {
    const { applied, changed } = await migrate(pool, config.migrationsDir);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply: the database is up to date.');
    if (changed.length) console.warn(`Edited after being applied (not re-run): ${changed.join(', ')}`);
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
