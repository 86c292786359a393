import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan, PlanStep } from '@orchestrator/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Stopping the server (SIGTERM, as a supervisor or `kill` does) stops the work first and the
// database last: a run in progress leaves no connection errors in the log and goes on at the
// next start. The real server process on its own embedded Postgres, as `npm start` runs it.

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const STEPS = 30;

let dataDir: string;
let pgPort: number;
let sql: pg.Client | undefined;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'orch-shutdown-'));
  pgPort = await freePort();
});
afterAll(async () => {
  await sql?.end();
  await rm(dataDir, { recursive: true, force: true });
});

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    PORT: '0',
    LOG_LEVEL: 'info',
    LLM_PROVIDER: 'offline',
    WEB_DIST_DIR: '/nonexistent',
    AGENTS_WATCH: 'false',
    STEP_BACKOFF_BASE_MS: '1',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1'), output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/orchestrator` });
  await client.connect();
  return client;
}

const count = async (db: pg.Client, query: string, projectId: string) =>
  Number((await db.query<{ n: string }>(query, [projectId])).rows[0]!.n);
const COMPLETED = `select count(*) as n from project_steps where project_id = $1 and status = 'completed'`;
const AUDITED = `select count(*) as n from audit_log where project_id = $1 and action = 'step.execute'`;

function linearPlan(): Plan {
  const steps: PlanStep[] = Array.from({ length: STEPS }, (_, i) => ({
    id: `s${String(i).padStart(2, '0')}`,
    name: `Draft section ${i}`,
    description: `Write section ${i} of the handbook.`,
    type: 'standard',
    department: 'marketing',
    dependsOn: i === 0 ? [] : [`s${String(i - 1).padStart(2, '0')}`],
    assignedAgent: 'blog_post_writer',
    assignedHuman: null,
    collaboration: null,
    capability: null,
    riskLevel: 'low',
    estimatedDuration: { value: 1, unit: 'hours' },
  }));
  return {
    title: 'Shutdown handbook',
    request: 'Write the handbook',
    template: null,
    department: 'marketing',
    horizon: 'short_term',
    steps,
    criticalPath: { stepIds: [], totalMinutes: STEPS * 60, display: { value: STEPS, unit: 'hours' } },
    warnings: [],
  };
}

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
    const workspaceId = (await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!
      .id;
    const plan = linearPlan();
    const { rows } = await sql.query<{ id: string }>(
      `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, autonomy_level)
       values ($1, $2, 'awaiting_plan_approval', $3, 1, 'marketing', 'autonomous') returning id`,
      [workspaceId, plan.title, JSON.stringify(plan)],
    );
    const id = rows[0]!.id;
    await sql.query(
      `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'test')`,
      [workspaceId, id, JSON.stringify(plan)],
    );
    const approve = await fetch(`${first.url}/api/projects/${id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(approve.status).toBe(200);
    await until(async () => (await count(sql!, COMPLETED, id)) >= 3, 'the run to be under way');
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
        async () =>
          (await sql!.query<{ status: string }>('select status from projects where id = $1', [id])).rows[0]!.status ===
          'completed',
        'the project to complete after the restart',
      );
      expect(await count(sql, COMPLETED, id)).toBe(STEPS);
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
