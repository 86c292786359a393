import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan, PlanStep } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from './harness.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const STEPS = 60;
const KILL_AFTER = [5, 20, 40];

let db: TestDatabase;
let sql: pg.Client;

beforeAll(async () => {
  db = await testDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

/** The real server process, as `npm start` runs it, against this file's database. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'warn',
      LLM_PROVIDER: 'offline',
      WEB_DIST_DIR: '/nonexistent',
      STEP_BACKOFF_BASE_MS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

const kill = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const completed = async (projectId: string) =>
  Number(
    (
      await sql.query<{ n: string }>(
        `select count(*) as n from project_steps where project_id = $1 and status = 'completed'`,
        [projectId],
      )
    ).rows[0]!.n,
  );
const status = async (projectId: string) =>
  (await sql.query<{ status: string }>('select status from projects where id = $1', [projectId])).rows[0]!.status;

function linearPlan(): Plan {
  const agents = ['blog_post_writer', 'market_researcher', 'technical_writer', 'content_strategist'];
  const steps: PlanStep[] = Array.from({ length: STEPS }, (_, i) => ({
    id: `s${String(i).padStart(2, '0')}`,
    name: `Draft section ${i}`,
    description: `Write section ${i} of the handbook.`,
    type: 'standard',
    department: 'marketing',
    dependsOn: i === 0 ? [] : [`s${String(i - 1).padStart(2, '0')}`],
    assignedAgent: agents[i % agents.length]!,
    assignedHuman: null,
    collaboration: null,
    capability: null,
    riskLevel: 'low',
    estimatedDuration: { value: 1, unit: 'hours' },
  }));
  return {
    title: 'Crash test handbook',
    request: 'Write the handbook',
    template: null,
    department: 'marketing',
    horizon: 'short_term',
    steps,
    criticalPath: { stepIds: [], totalMinutes: STEPS * 60, display: { value: STEPS / 40, unit: 'weeks' } },
    warnings: [],
  };
}

describe('crash safety', () => {
  it('should resume after SIGKILL at several points, run every step exactly once and finish', async () => {
    let server = await startServer();
    const { rows } = await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`);
    const workspaceId = rows[0]!.id;
    const plan = linearPlan();
    const created = await sql.query<{ id: string }>(
      `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, autonomy_level) values ($1, $2, 'awaiting_plan_approval', $3, 1, 'marketing', 'autonomous') returning id`,
      [workspaceId, plan.title, JSON.stringify(plan)],
    );
    const projectId = created.rows[0]!.id;
    await sql.query(
      `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'test')`,
      [workspaceId, projectId, JSON.stringify(plan)],
    );
    const approve = await fetch(`${server.url}/api/projects/${projectId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(approve.status).toBe(200);

    const killedMidRun: number[] = [];
    for (const threshold of KILL_AFTER) {
      const until = Date.now() + 60_000;
      while ((await completed(projectId)) < threshold && (await status(projectId)) === 'running' && Date.now() < until)
        await new Promise((r) => setTimeout(r, 10));
      const done = await completed(projectId);
      await kill(server.child);
      if (done < STEPS) killedMidRun.push(done);
      server = await startServer();
    }
    const until = Date.now() + 120_000;
    while ((await status(projectId)) === 'running' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await kill(server.child);

    expect(killedMidRun.length).toBeGreaterThan(0);
    expect(await status(projectId)).toBe('completed');
    expect(await completed(projectId)).toBe(STEPS);
    // Each step's side effect (its audited execution) happened exactly once.
    const audit = await sql.query<{ step_key: string; n: string }>(
      `select step_key, count(*) as n from audit_log where project_id = $1 and action = 'step.execute' group by step_key`,
      [projectId],
    );
    expect(audit.rows).toHaveLength(STEPS);
    expect(audit.rows.every((r) => Number(r.n) === 1)).toBe(true);
    const stuck = await sql.query(
      `select 1 from project_steps where project_id = $1 and status in ('running', 'retrying')`,
      [projectId],
    );
    expect(stuck.rowCount).toBe(0);
  }, 300_000);
});
