import type pg from 'pg';
import { withTransaction } from './connect.js';
import { DatabaseSetupError } from './errors.js';
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

/** Whether the session's user may act as the role (a superuser may always); asked by trying. */
async function maySetRole(client: pg.PoolClient, ident: string): Promise<boolean> {
  await client.query('begin');
  try {
    await client.query(`set local role ${ident}`);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '42501') return false;
    throw err;
  } finally {
    await client.query('rollback');
  }
}

/** Role attributes that would let the runtime role past row-level security. */
const BYPASSES_RLS = `select rolsuper or rolbypassrls as bypasses from pg_roles where rolname = $1`;

/**
 * For a database given by DATABASE_URL: makes sure the runtime role exists — created without
 * login, superuser or BYPASSRLS when missing — and that the URL's own user may act as it (the
 * pool sets it at connect). Needs the right to create roles (Supabase's `postgres` has it); an
 * existing role that would bypass row-level security is refused. Safe when several processes
 * start at once.
 */
export async function ensureRuntimeRole(pool: pg.Pool, role: string): Promise<void> {
  const client = await pool.connect();
  try {
    const ident = client.escapeIdentifier(role);
    const existing = await client.query<{ bypasses: boolean }>(BYPASSES_RLS, [role]);
    if (!existing.rowCount) {
      await client
        .query(`create role ${ident} nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls`)
        // Another process created it first (duplicate_object, or unique_violation in the catalog).
        .catch((err: { code?: string }) => {
          if (err.code !== '42710' && err.code !== '23505') throw err;
        });
    } else if (existing.rows[0]!.bypasses)
      throw new DatabaseSetupError(
        'db/runtime_role_bypasses_rls',
        `The role "${role}" is a superuser or has BYPASSRLS, so row-level security would not apply to the API: run "alter role ${role} nosuperuser nobypassrls" (docs/operations.md, Runtime role)`,
      );
    if (!(await maySetRole(client, ident))) await client.query(`grant ${ident} to current_user`);
  } finally {
    client.release();
  }
}
