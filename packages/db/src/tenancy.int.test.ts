import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, withTransaction } from './connect.js';
import { APP_ROLE } from './credentials.js';
import { ensureRuntimeRole, grantRuntimePrivileges } from './runtime-privileges.js';
import { acrossWorkspaces, inWorkspace } from './tenancy.js';
import { createTestDatabase, setupTestPostgres, type TestDatabase, type TestPostgres } from './testing/index.js';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../supabase/migrations');

/**
 * Tables that hold no workspace's data, so row-level security does not scope them: people and
 * their credentials (a person belongs to several workspaces), sessions (looked up before the
 * workspace is known), rate-limit counters (per caller), and the migration ledgers. A new table
 * must either carry a workspace_id (and get a policy) or be named here, deliberately.
 */
const GLOBAL_TABLES = [
  'langgraph.checkpoint_migrations',
  'public.password_resets',
  'public.rate_limit_hits',
  'public.schema_migrations',
  'public.sessions',
  'public.user_passwords',
  'public.users',
];

let postgres: TestPostgres;
let db: TestDatabase;
let admin: pg.Pool;
let app: pg.Pool;
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

beforeAll(async () => {
  postgres = await setupTestPostgres(MIGRATIONS);
  db = await createTestDatabase(postgres.adminUrl, postgres.template);
  admin = await openPool(db.url, { max: 2 });
  await ensureRuntimeRole(admin, APP_ROLE);
  await grantRuntimePrivileges(admin, APP_ROLE);
  // As the API's pool is: acting as the runtime role, each checkout set to its caller's scope.
  app = await openPool(db.url, { max: 1, role: APP_ROLE, tenantScoped: true });
  await admin.query(`insert into workspaces (id, slug, name) values ($1, 'a', 'A'), ($2, 'b', 'B')`, [A, B]);
  for (const ws of [A, B]) {
    const { rows } = await admin.query<{ id: string }>(
      `insert into projects (workspace_id, title) values ($1, $2) returning id`,
      [ws, `Project of ${ws === A ? 'A' : 'B'}`],
    );
    await admin.query(
      `insert into step_completions (workspace_id, project_id, completion) values ($1, $2, '{}'),
              ($1, $2, '{}')`,
      [ws, rows[0]!.id],
    );
    await admin.query(
      `insert into checkpoints.checkpoints (thread_id, checkpoint_id, checkpoint, workspace_id)
       values ($1, '1', '{}', $2)`,
      [`project:${rows[0]!.id}`, ws],
    );
  }
}, 120_000);

afterAll(async () => {
  await app?.end();
  await admin?.end();
  await db?.drop();
  await postgres?.teardown();
});

const count = async (table: string) => Number((await app.query(`select count(*)::int as n from ${table}`)).rows[0].n);
const sqlState = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: { code?: string }) => err.code,
  );

describe('row-level security on every tenant table', () => {
  it('should scope every table that holds a workspace_id, and leave only the named global tables unscoped', async () => {
    const { rows } = await admin.query<{ name: string; rls: boolean; tenant: boolean; policy: string | null }>(
      `select n.nspname || '.' || c.relname as name, c.relrowsecurity as rls,
              exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped)
                or (n.nspname, c.relname) = ('public', 'workspaces') as tenant,
              (select pg_get_expr(p.polqual, p.polrelid) from pg_policy p
                where p.polrelid = c.oid and p.polname = c.relname || '_isolation' and p.polcmd = '*') as policy
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname in ('public', 'checkpoints', 'langgraph')
        order by 1`,
    );
    const unscoped = rows.filter((r) => !r.rls).map((r) => r.name);
    expect(unscoped).toEqual(GLOBAL_TABLES);
    const tenant = rows.filter((r) => !GLOBAL_TABLES.includes(r.name));
    expect(tenant.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'public.step_completions',
        'checkpoints.checkpoints',
        'checkpoints.blobs',
        'checkpoints.writes',
      ]),
    );
    for (const table of tenant) {
      expect(table.tenant, `${table.name} has RLS but no workspace_id`).toBe(true);
      expect(table.policy, `${table.name} has no isolation policy`).toMatch(/current_workspace_id\(\)/);
    }
  });

  it('should connect as a role that neither is a superuser nor bypasses RLS', async () => {
    const { rows } = await app.query(
      `select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
    );
    expect(rows[0]).toEqual({ name: APP_ROLE, rolsuper: false, rolbypassrls: false });
  });

  it("should show a workspace only its own rows, every workspace's to a task across them, and none outside any scope", async () => {
    for (const table of ['workspaces', 'projects', 'step_completions', 'checkpoints.checkpoints']) {
      expect(await inWorkspace(A, () => count(table)), table).toBe(table === 'step_completions' ? 2 : 1);
      expect(await acrossWorkspaces('test', () => count(table)), table).toBe(table === 'step_completions' ? 4 : 2);
      expect(await count(table), table).toBe(0);
    }
    const titles = await inWorkspace(B, () => app.query<{ title: string }>('select title from projects'));
    expect(titles.rows).toEqual([{ title: 'Project of B' }]);
  });

  it("should refuse to write another workspace's rows, and change none of them", async () => {
    expect(
      await inWorkspace(A, () =>
        sqlState(app.query(`insert into projects (workspace_id, title) values ($1, 'Sneaky')`, [B])),
      ),
    ).toBe('42501');
    const touched = await inWorkspace(A, () =>
      app.query(`update projects set title = 'Renamed' where workspace_id = $1`, [B]),
    );
    expect(touched.rowCount).toBe(0);
    expect(await inWorkspace(A, () => sqlState(app.query(`update projects set workspace_id = $1`, [B])))).toBe('42501');
    const deleted = await inWorkspace(A, () => app.query(`delete from step_completions where workspace_id = $1`, [B]));
    expect(deleted.rowCount).toBe(0);
  });

  it('should file a checkpoint under the workspace that writes it, and refuse one written outside any', async () => {
    await inWorkspace(A, () =>
      app.query(`insert into checkpoints.checkpoints (thread_id, checkpoint_id, checkpoint) values ('t-a', '1', '{}')`),
    );
    const { rows } = await admin.query(`select workspace_id from checkpoints.checkpoints where thread_id = 't-a'`);
    expect(rows).toEqual([{ workspace_id: A }]);
    expect(
      await acrossWorkspaces('test', () =>
        sqlState(
          app.query(
            `insert into checkpoints.blobs (thread_id, channel, version, type) values ('t-x', 'c', '1', 'empty')`,
          ),
        ),
      ),
    ).toBe('42501');
  });

  it('should give each waiting checkout the scope of the code that asked for it', async () => {
    // One connection: the checkouts queue, and each is handed over from whichever released it.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const ws = i % 3 === 0 ? A : B;
        return inWorkspace(ws, async () => {
          const { rows } = await app.query<{ slug: string }>('select slug from workspaces');
          return [ws, rows.map((r) => r.slug)] as const;
        });
      }),
    );
    for (const [ws, slugs] of results) expect(slugs).toEqual([ws === A ? 'a' : 'b']);
  });

  it('should create the runtime role for a user that may create roles, let it act as the role, and refuse one that bypasses RLS', async () => {
    const suffix = randomBytes(4).toString('hex');
    const [user, role, bypassing] = [`orch_url_${suffix}`, `orch_rt_${suffix}`, `orch_bypass_${suffix}`];
    await admin.query(`create role ${user} login createrole password 'probe-password'`);
    await admin.query(`create role ${bypassing} nologin bypassrls`);
    const url = new URL(db.url);
    [url.username, url.password] = [user, 'probe-password'];
    const asUser = await openPool(url.toString(), { max: 1 });
    try {
      await ensureRuntimeRole(asUser, role);
      // Again, as a second process starting would: nothing to do.
      await ensureRuntimeRole(asUser, role);
      const acting = await openPool(url.toString(), { max: 1, role });
      const { rows } = await acting.query('select current_user as name, session_user as login');
      await acting.end();
      expect(rows).toEqual([{ name: role, login: user }]);
      await expect(ensureRuntimeRole(admin, bypassing)).rejects.toMatchObject({ code: 'db/runtime_role_bypasses_rls' });
    } finally {
      await asUser.end();
      await admin.query(`drop role if exists ${role}`);
      await admin.query(`drop role if exists ${user}`);
      await admin.query(`drop role if exists ${bypassing}`);
    }
  });

  it('should keep the scope a rolled-back transaction ran in from leaking into the next checkout', async () => {
    await inWorkspace(A, () =>
      withTransaction(app, async (client) => {
        await client.query('select 1');
        throw new Error('roll back');
      }),
    ).catch(() => undefined);
    expect(await inWorkspace(B, () => count('projects'))).toBe(1);
    expect(await count('projects')).toBe(0);
    const { rows } = await inWorkspace(B, () => app.query<{ title: string }>('select title from projects'));
    expect(rows).toEqual([{ title: 'Project of B' }]);
  });
});
