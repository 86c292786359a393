import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from './harness.js';
import {
  approveProject,
  completedSteps,
  linearPlan,
  projectAwaitingApproval,
  projectStatus,
} from './linear-project.js';
import { startServerProcess, stopProcess } from './server-process.js';

const AGENTS = ['blog_post_writer', 'market_researcher', 'technical_writer', 'content_strategist'];
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

describe('crash safety', () => {
  it('should resume after SIGKILL at several points, run every step exactly once and finish', async () => {
    const startServer = () => startServerProcess({ DATABASE_URL: db.url });
    let server = await startServer();
    const { projectId } = await projectAwaitingApproval(sql, linearPlan('Crash test handbook', STEPS, AGENTS));
    await approveProject(server.url, projectId);

    const killedMidRun: number[] = [];
    for (const threshold of KILL_AFTER) {
      const until = Date.now() + 60_000;
      while (
        (await completedSteps(sql, projectId)) < threshold &&
        (await projectStatus(sql, projectId)) === 'running' &&
        Date.now() < until
      )
        await new Promise((r) => setTimeout(r, 10));
      const done = await completedSteps(sql, projectId);
      await stopProcess(server.child, 'SIGKILL');
      if (done < STEPS) killedMidRun.push(done);
      server = await startServer();
    }
    const until = Date.now() + 120_000;
    while ((await projectStatus(sql, projectId)) === 'running' && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    await stopProcess(server.child, 'SIGKILL');

    expect(killedMidRun.length).toBeGreaterThan(0);
    expect(await projectStatus(sql, projectId)).toBe('completed');
    expect(await completedSteps(sql, projectId)).toBe(STEPS);
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
