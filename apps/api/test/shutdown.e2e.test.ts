import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embeddedUrl, freePort, readEmbeddedCredentials } from '@orchestrator/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveProject,
  completedSteps,
  linearPlan,
  projectAwaitingApproval,
  projectStatus,
} from './linear-project.js';
import { startServerProcess } from './server-process.js';

// Stopping the server (SIGTERM, as a supervisor or `kill` does) stops the work first and the
// database last: a run in progress leaves no connection errors in the log and goes on at the
// next start. The real server process on its own embedded Postgres, as `npm start` runs it.

const STEPS = 30;

let dataDir: string;
let pgPort: number;
let sql: pg.Client | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'orch-shutdown-'));
  pgPort = await freePort();
});
afterAll(async () => {
  await sql?.end();
  await rm(dataDir, { recursive: true, force: true });
});

const startServer = () =>
  startServerProcess({
    DATABASE_URL: undefined,
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'info',
  });

/** As the embedded database's superuser, whose password the server keeps beside its data. */
async function connect(): Promise<pg.Client> {
  const { superuser } = (await readEmbeddedCredentials(path.join(dataDir, 'postgres')))!;
  const client = new pg.Client({ connectionString: embeddedUrl(pgPort, superuser, 'orchestrator') });
  await client.connect();
  return client;
}

const count = async (db: pg.Client, query: string, projectId: string) =>
  Number((await db.query<{ n: string }>(query, [projectId])).rows[0]!.n);
const AUDITED = `select count(*) as n from audit_log where project_id = $1 and action = 'step.execute'`;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('shutdown', () => {
  it('should stop a run in progress before the database, log no connection error, and resume it at the next start', async () => {
    const first = await startServer();
    sql = await connect();
    const { projectId: id } = await projectAwaitingApproval(sql, linearPlan('Shutdown handbook', STEPS));
    await approveProject(first.url, id);
    await until(async () => (await completedSteps(sql!, id)) >= 3, 'the run to be under way');
    // Our own connection would be ended by the server's shutdown too.
    await sql.end();
    sql = undefined;

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const log = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg?: string });
    expect(log.some((l) => l.msg === 'stopping')).toBe(true);
    // The run was in progress when the signal came.
    expect(log.some((l) => /Stopping 1 run\(s\) in progress/.test(l.msg ?? ''))).toBe(true);
    const problems = log.filter(
      (l) => l.level >= 50 || /57P01|terminating connection|Connection terminated/.test(JSON.stringify(l)),
    );
    expect(problems).toEqual([]);

    const second = await startServer();
    try {
      sql = await connect();
      await until(
        async () => (await projectStatus(sql!, id)) === 'completed',
        'the project to complete after the restart',
      );
      expect(await completedSteps(sql, id)).toBe(STEPS);
      // Every step ran once: the one in progress at shutdown was saved then, or run again, never both.
      expect(await count(sql, AUDITED, id)).toBe(STEPS);
      await sql.end();
      sql = undefined;
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    // The server stopped its Postgres before it exited (a clean shutdown removes the pid file).
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
