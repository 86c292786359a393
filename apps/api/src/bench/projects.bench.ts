/**
 * `pnpm bench` (projects part): many projects approved at once, through the HTTP API and the
 * project runner as in production. BENCH_PROJECTS (default 100) projects of BENCH_PROJECT_STEPS
 * (default 12) no-op steps each are approved together; measured: the time from each approval to
 * its project's first step start (p50, p95, max), the time until all complete, steps/s over that
 * time, and how many are stuck (not completed within BENCH_PROJECTS_TIMEOUT_MS). The approvals
 * come from a process of their own (approve-client.ts), as a browser's would. Embedded
 * Postgres with production settings unless BENCH_DATABASE_URL or DATABASE_URL names a server.
 * Prints a summary, then one line of JSON.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inWorkspace, type Pool } from '@orchestrator/db';
import pino from 'pino';
import { createApp } from '../app.js';
import { loadConfig } from '../config/env.js';
import { PG_POOL } from '../database/tokens.js';
import { IdentityService } from '../modules/identity/identity.service.js';
import type { ApproveOrder, ApproveTimes } from './approve-client.js';
import { adminQuery, benchServer, databaseUrl } from './database.js';
import { linearPlan, noopAgentsDir } from './fixtures.js';
import { percentile, round } from './stats.js';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 100);
const STEPS = Number(process.env.BENCH_PROJECT_STEPS ?? 12);
const TIMEOUT_MS = Number(process.env.BENCH_PROJECTS_TIMEOUT_MS ?? 600_000);

async function main(): Promise<void> {
  const pgServer = await benchServer('orch-projects-bench');
  const name = `orch_projects_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(pgServer.adminUrl, `create database ${name}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'orch-projects-bench-'));
  let close = async () => undefined as void;
  try {
    const env = {
      DATABASE_URL: databaseUrl(pgServer.adminUrl, name),
      PORT: '0',
      LOG_LEVEL: 'silent',
      LLM_PROVIDER: 'offline',
      WEB_DIST_DIR: '/nonexistent',
      DATA_DIR: path.join(tmp, 'data'),
      // The figures are the runner's: 100 approvals from one person must not meet the rate limit.
      RATE_LIMIT_PER_MINUTE: '1000000',
      // The server's own settings to try against this load.
      ...Object.fromEntries(
        ['RUNNER_CONCURRENCY', 'DB_POOL_MAX'].flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
      ),
    };
    const shipped = loadConfig(env);
    const config = loadConfig({ ...env, AGENTS_DIR: await noopAgentsDir(shipped.agentsDir, tmp) });
    const app = await createApp({ config, logger: pino({ level: 'silent' }) });
    await app.listen(0, '127.0.0.1');
    close = () => app.close();
    const { port } = app.getHttpServer().address() as { port: number };
    const pool = app.get<Pool>(PG_POOL);
    // The bench acts in the default workspace, as its owner's requests do (row-level security).
    const { workspaceId } = app.get(IdentityService).defaultIdentity();
    await inWorkspace(workspaceId, async () => {
      // Plans waiting for approval, as the planner leaves them.
      const plan = linearPlan(STEPS);
      const { rows } = await pool.query<{ id: string }>(
        `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, autonomy_level)
       select $1, $2 || ' #' || n, 'awaiting_plan_approval', $3, 1, 'operations', 'autonomous' from generate_series(1, $4) n
       returning id`,
        [workspaceId, plan.title, JSON.stringify(plan), PROJECTS],
      );
      const ids = rows.map((r) => r.id);
      await pool.query(
        `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author)
       select $1, id, 1, $2, 'system', 'bench' from unnest($3::uuid[]) id`,
        [workspaceId, JSON.stringify(plan), ids],
      );

      // A person approves them all at once, from a process of their own (as a browser would); each
      // approval is timed from its request and from its answer.
      const client = fork(fileURLToPath(new URL('./approve-client.js', import.meta.url)), { stdio: 'inherit' });
      const exited = new Promise<never>((_resolve, reject) =>
        client.once('exit', (code) => reject(new Error(`the approving client exited with ${code}`))),
      );
      const message = () => Promise.race([new Promise<unknown>((resolve) => client.once('message', resolve)), exited]);
      await message();
      const answered = message() as Promise<ApproveTimes>;
      const cpu = process.cpuUsage();
      const started = Date.now();
      client.send({ baseUrl: `http://127.0.0.1:${port}`, ids } satisfies ApproveOrder);
      const times = await answered;
      if (times.failures.length > 0) throw new Error(times.failures.join('\n'));
      const requestedAt = new Map(Object.entries(times.requestedAt));
      const answeredAt = new Map(Object.entries(times.answeredAt));
      const approvedMs = Math.max(...answeredAt.values()) - started;

      let completed = 0;
      const deadline = started + TIMEOUT_MS;
      while (Date.now() < deadline) {
        const { rows: done } = await pool.query<{ n: number }>(
          `select count(*)::int as n from projects where id = any($1) and status = 'completed'`,
          [ids],
        );
        completed = done[0]!.n;
        if (completed === ids.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const allDoneMs = Date.now() - started;
      const { user, system } = process.cpuUsage(cpu);

      // Step starts are recorded by the process that ran them (its clock, as the approvals' above).
      const { rows: firsts } = await pool.query<{ id: string; first: Date | null }>(
        `select p.id, min(s.started_at) as first from projects p left join project_steps s on s.project_id = p.id
        where p.id = any($1) group by p.id`,
        [ids],
      );
      const begun = firsts.filter((r) => r.first);
      const waits = begun.map((r) => r.first!.getTime() - requestedAt.get(r.id)!);
      // A step may start before the approval's answer has travelled back: that wait is 0.
      const afterAnswer = begun.map((r) => Math.max(0, r.first!.getTime() - answeredAt.get(r.id)!));
      const { rows: states } = await pool.query<{ status: string; n: number }>(
        `select status, count(*)::int as n from projects where id = any($1) group by status order by status`,
        [ids],
      );
      const stuck = ids.length - completed;
      const figures = {
        projects_count: ids.length,
        projects_steps_each: STEPS,
        projects_approve_all_ms: approvedMs,
        projects_first_step_p50_ms: round(percentile(waits, 50), 0),
        projects_first_step_p95_ms: round(percentile(waits, 95), 0),
        projects_first_step_max_ms: round(Math.max(...waits), 0),
        projects_first_step_after_answer_p50_ms: round(percentile(afterAnswer, 50), 0),
        projects_first_step_after_answer_p95_ms: round(percentile(afterAnswer, 95), 0),
        projects_never_started: ids.length - waits.length,
        projects_all_complete_ms: allDoneMs,
        projects_completed: completed,
        projects_stuck: stuck,
        projects_steps_per_sec: round((completed * STEPS * 1000) / allDoneMs, 1),
        // Share of one core this process used meanwhile (the API and its runs share one event loop).
        projects_cpu_pct: round(((user + system) / 1000 / allDoneMs) * 100, 0),
      };
      console.log(
        `${ids.length} projects × ${STEPS} no-op steps approved at once (runner concurrency ${config.env.RUNNER_CONCURRENCY}, pool ${config.env.DB_POOL_MAX}): ` +
          `first step after the approval request p50 ${figures.projects_first_step_p50_ms} ms, p95 ${figures.projects_first_step_p95_ms} ms, max ${figures.projects_first_step_max_ms} ms ` +
          `(after its answer p50 ${figures.projects_first_step_after_answer_p50_ms} ms, p95 ${figures.projects_first_step_after_answer_p95_ms} ms; all answered in ${approvedMs} ms); ` +
          `all complete in ${allDoneMs} ms (${figures.projects_steps_per_sec} steps/s, CPU ${figures.projects_cpu_pct} %); ${completed} completed, ${stuck} stuck ` +
          `(${states.map((s) => `${s.status} ${s.n}`).join(', ')})`,
      );
      console.log(JSON.stringify({ bench: 'projects', ...figures }));
    });
  } finally {
    await close();
    await adminQuery(pgServer.adminUrl, `drop database if exists ${name} with (force)`).catch(() => undefined);
    await pgServer.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
