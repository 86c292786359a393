import type pg from 'pg';
import { withTransaction } from './connect.js';
import { MIGRATIONS_TABLE } from './migrate.js';

/**
 * Grants `role` what the API needs at run time in the database `pool` is connected to, and no
 * more: reading and writing rows (no TRUNCATE), using sequences, calling functions — in every
 * schema the migrations (and pg-boss's installation) created; of the migration ledger, only
 * reading (readiness does). No DDL: the tables stay their owner's, so the role cannot change or
 * drop them. Run after every migration, as a superuser; repeating it changes nothing.
 */
export async function grantRuntimePrivileges(pool: pg.Pool, role: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    const grantee = client.escapeIdentifier(role);
    const { rows } = await client.query<{ name: string }>(
      `select nspname as name from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1`,
    );
    for (const { name } of rows) {
      const schema = client.escapeIdentifier(name);
      await client.query(`grant usage on schema ${schema} to ${grantee}`);
      await client.query(`grant select, insert, update, delete on all tables in schema ${schema} to ${grantee}`);
      await client.query(`grant usage, select on all sequences in schema ${schema} to ${grantee}`);
      await client.query(`grant execute on all routines in schema ${schema} to ${grantee}`);
    }
    await client.query(`revoke insert, update, delete on ${MIGRATIONS_TABLE} from ${grantee}`);
  });
}
