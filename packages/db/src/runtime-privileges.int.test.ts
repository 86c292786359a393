import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from './connect.js';
import { APP_ROLE } from './credentials.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded.js';
import { migrate } from './migrate.js';
import { grantRuntimePrivileges } from './runtime-privileges.js';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../supabase/migrations');

let parent: string;
let server: EmbeddedPostgresHandle;
let app: pg.Client;

beforeAll(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'orch-privileges-'));
  server = await startEmbeddedPostgres({ dataDir: path.join(parent, 'data'), ephemeral: true });
  await ensureDatabase(server.superuserUrl(), 'orchestrator');
  const admin = await openPool(server.superuserUrl('orchestrator'), { max: 1 });
  try {
    await migrate(admin, MIGRATIONS);
    await admin.query(`insert into workspaces (slug, name) values ('before', 'Made by the superuser')`);
    await grantRuntimePrivileges(admin, APP_ROLE);
    // Granting again changes nothing.
    await grantRuntimePrivileges(admin, APP_ROLE);
  } finally {
    await admin.end();
  }
  app = new pg.Client({ connectionString: server.appUrl('orchestrator') });
  await app.connect();
});
afterAll(async () => {
  await app?.end();
  await server?.stop();
  await rm(parent, { recursive: true, force: true });
});

/** The SQLSTATE `text` fails with as the runtime role, or undefined when it succeeds. */
const failure = (text: string) =>
  app.query(text).then(
    () => undefined,
    (err: { code?: string }) => err.code,
  );

describe('the runtime role in a migrated database', () => {
  it('should read and write rows of every workspace when scoped across them, through triggers and identity sequences', async () => {
    // What acrossWorkspaces() sets (tenancy.ts); row-level security applies to this role.
    await app.query(`select set_config('app.all_workspaces', 'on', false)`);
    await app.query(`insert into workspaces (slug, name) values ('after', 'Made by the runtime role')`);
    await app.query(`update workspaces set name = 'Renamed' where slug = 'before'`);
    const { rows: conversations } = await app.query<{ id: string }>(
      `insert into conversations (workspace_id) select id from workspaces where slug = 'before' returning id`,
    );
    await app.query(
      `insert into messages (workspace_id, conversation_id, role, content)
       select workspace_id, id, 'user', 'Hello' from conversations where id = $1`,
      [conversations[0]!.id],
    );

    const { rows } = await app.query<{ slug: string; name: string }>('select slug, name from workspaces order by slug');
    expect(rows).toEqual([
      { slug: 'after', name: 'Made by the runtime role' },
      { slug: 'before', name: 'Renamed' },
    ]);
    expect((await app.query('select seq from messages')).rows).toEqual([{ seq: 1 }]);
  });

  it('should take advisory locks, listen and call the schema functions', async () => {
    expect((await app.query('select pg_try_advisory_lock(42) as ok')).rows).toEqual([{ ok: true }]);
    expect(await failure('listen orchestrator_probe')).toBeUndefined();
    expect(await failure('select app.current_workspace_id()')).toBeUndefined();
  });

  it('should read the migration ledger but not write it', async () => {
    expect(await failure('select 1 from schema_migrations limit 1')).toBeUndefined();
    expect(await failure(`delete from schema_migrations`)).toBe('42501');
  });

  it('should not change the schema, empty tables or read other roles passwords', async () => {
    expect(await failure('create table public.intruder (id int)')).toBe('42501');
    expect(await failure('drop table workspaces')).toBe('42501');
    expect(await failure('alter table workspaces disable row level security')).toBe('42501');
    expect(await failure('truncate workspaces cascade')).toBe('42501');
    expect(await failure('create schema intruder')).toBe('42501');
    expect(await failure('select rolpassword from pg_authid')).toBe('42501');
    expect(await failure(`copy (select 1) to program 'true'`)).toBe('42501');
  });
});
