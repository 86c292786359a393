import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { redactSecrets } from '@orchestrator/core';
import { embeddedUrl, freePort, readEmbeddedCredentials, type EmbeddedCredentials } from '@orchestrator/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/database/boot.js';
import { DATABASE_HANDLE } from '../src/database/tokens.js';
import { api, startApp, type TestApp } from './harness.js';
import {
  approveProject,
  completedSteps,
  linearPlan,
  projectAwaitingApproval,
  projectStatus,
} from './linear-project.js';

// The app on its own embedded Postgres, as `npm start` runs it: everything it does at run time,
// it does as the runtime role, which is no superuser (docs/operations.md, Embedded database
// credentials). The rest of the suite runs on DATABASE_URL, whose role is whatever it is given.

let dataDir: string;
let app: TestApp | undefined;
let database: DatabaseHandle;
let credentials: EmbeddedCredentials;
/** The test's own look-ups, as the superuser. */
let sql: pg.Pool | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'orch-embedded-app-'));
  const port = await freePort();
  app = await startApp(undefined, { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) });
  database = app.app.get<DatabaseHandle>(DATABASE_HANDLE);
  credentials = (await readEmbeddedCredentials(path.join(dataDir, 'postgres')))!;
  sql = new pg.Pool({ connectionString: embeddedUrl(port, credentials.superuser, 'orchestrator'), max: 2 });
}, 120_000);
afterAll(async () => {
  await sql?.end();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 60_000; !(await done()); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

describe('the API on its embedded database', () => {
  it('should query as a role that is no superuser and may not create roles or replicate', async () => {
    const { rows } = await database.pool.query(
      `select current_user as name, rolsuper, rolcreaterole, rolcreatedb, rolreplication
         from pg_roles where rolname = current_user`,
    );

    expect(rows).toEqual([
      { name: 'orchestrator_app', rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false },
    ]);
    expect(new URL(database.url).username).toBe('orchestrator_app');
  });

  it('should redact both passwords of the embedded database wherever they show up', () => {
    const { superuser, app: runtime } = credentials;

    expect(redactSecrets(`su=${superuser.password} app=${runtime.password}`)).toBe('su=[redacted] app=[redacted]');
  });

  it('should not be able to change the schema', async () => {
    await expect(database.pool.query('create table intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    await expect(database.pool.query('drop table projects')).rejects.toMatchObject({ code: '42501' });
  });

  it('should run a project to completion through the run queue, and answer ready', async () => {
    const { projectId } = await projectAwaitingApproval(sql!, linearPlan('Runtime role handbook', 3));
    await approveProject(app!.baseUrl, projectId);

    await until('the project to complete', async () => (await projectStatus(sql!, projectId)) === 'completed');
    expect(await completedSteps(sql!, projectId)).toBe(3);
    expect((await api(app!.baseUrl, 'GET', '/health/ready')).status).toBe(200);
  });

  it('should hold every connection it keeps open as the runtime role: the pool, pg-boss and the run locks', async () => {
    // The pool closes idle connections: one in use now.
    await database.pool.query('select 1');
    const { rows } = await sql!.query<{ usename: string; application_name: string }>(
      `select distinct usename, application_name from pg_stat_activity
        where datname = 'orchestrator' and application_name like 'orchestrator%' order by 2`,
    );

    expect(rows).toEqual([
      { usename: 'orchestrator_app', application_name: 'orchestrator' },
      { usename: 'orchestrator_app', application_name: 'orchestrator-runner' },
      { usename: 'orchestrator_app', application_name: 'orchestrator-runner-locks' },
    ]);
  });
});
