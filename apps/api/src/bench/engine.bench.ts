/**
 * `pnpm bench` (engine part): per-step orchestration overhead of project runs with no-op agents,
 * against a plain LangGraph graph of the same shape on PostgresSaver, on the same database in
 * the same run. Ours is the real thing as the server wires it (Nest app, ExecutionRepository,
 * approvals, audit, agent loads, step events, our checkpointer); only the agent does nothing.
 * Embedded Postgres with production settings (fsync on) unless BENCH_DATABASE_URL or
 * DATABASE_URL names a server (a fresh database is created on it and dropped afterwards).
 * Prints a table, then one line of JSON.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { Plan } from '@orchestrator/contracts';
import type { ExecutionEngine, LlmProvider } from '@orchestrator/core';
import { inWorkspace, openPool, type Pool } from '@orchestrator/db';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../app.js';
import { loadConfig } from '../config/env.js';
import { LLM_PROVIDER, PG_POOL } from '../database/tokens.js';
import { IdentityService } from '../modules/identity/identity.service.js';
import { AgentRegistryService } from '../modules/agents/agent-registry.service.js';
import { EXECUTION_ENGINE } from '../modules/execution/execution.tokens.js';
import { adminQuery, benchServer, databaseUrl } from './database.js';
import { linearPlan, MARK_HOOK, noopAgentsDir, parallelPlan } from './fixtures.js';
import { graphOnlyEngine } from './graph-only.js';
import { chainGraph, fanGraph } from '@orchestrator/checkpoint-postgres/bench-graphs';
import { figures, round, table, type Figures, type Sample } from './stats.js';
import { roundTrip, timeBookkeeping } from './timing.js';

// LangGraph adds an abort listener per running task; 20 parallel tasks exceed Node's default.
setMaxListeners(100);

const RUNS = Number(process.env.BENCH_RUNS ?? 6);

/** Counts statements sent to Postgres (each one round trip) by patching the driver. */
let queries = 0;
/** BENCH_TRACE=1: the statements of the last measured run, by their first words (what a step costs). */
const trace = process.env.BENCH_TRACE === '1' ? new Map<string, number>() : undefined;
const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = proto.query;
proto.query = function (this: unknown, ...args: unknown[]) {
  queries++;
  if (trace) {
    const first = args[0];
    const text = typeof first === 'string' ? first : String((first as { text?: string } | undefined)?.text ?? '');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    trace.set(key, (trace.get(key) ?? 0) + 1);
  }
  return originalQuery.apply(this, args);
};

let marks: number[] = [];
const mark = () => void marks.push(performance.now());
(globalThis as Record<string, unknown>)[MARK_HOOK] = mark;

async function measure(run: () => Promise<void>): Promise<Sample> {
  marks = [];
  trace?.clear();
  const q0 = queries;
  const startedAt = performance.now();
  await run();
  const endedAt = performance.now();
  return { marks, startedAt, endedAt, queries: queries - q0 };
}

interface Shape {
  name: string;
  plan: Plan;
  parallel: boolean;
  warmup: number;
  runs: number;
  plain: (saver: BaseCheckpointSaver) => {
    invoke: (input: Record<string, unknown>, config: object) => Promise<unknown>;
  };
}

async function main(): Promise<void> {
  const pgServer = await benchServer('orch-engine-bench');
  const name = `orch_engine_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(pgServer.adminUrl, `create database ${name}`);
  const dbUrl = databaseUrl(pgServer.adminUrl, name);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'orch-engine-bench-'));
  let close = async () => undefined as void;
  try {
    const env = {
      DATABASE_URL: dbUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
      LLM_PROVIDER: 'offline',
      WEB_DIST_DIR: '/nonexistent',
      DATA_DIR: path.join(tmp, 'data'),
    } as const;
    const shipped = loadConfig(env);
    const config = loadConfig({ ...env, AGENTS_DIR: await noopAgentsDir(shipped.agentsDir, tmp) });
    const app = await createApp({ config, logger: pino({ level: 'silent' }) });
    // Listening attaches the socket server, so step events are built and emitted as in production.
    await app.listen(0, '127.0.0.1');
    const plainPool: Pool = await openPool(dbUrl, { max: 10, applicationName: 'engine-bench-plain' });
    close = async () => {
      await plainPool.end();
      await app.close();
    };
    const engine = app.get<ExecutionEngine>(EXECUTION_ENGINE);
    const pool = app.get<Pool>(PG_POOL);
    const saver = new PostgresSaver(plainPool, undefined, { schema: 'langgraph_bench' });
    await saver.setup();
    const settings = (
      await pool.query<{ version: string; fsync: string; sync: string }>(
        `select current_setting('server_version') as version, current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync`,
      )
    ).rows[0]!;
    // The bench acts in the default workspace, as its owner's requests do (row-level security).
    const { workspaceId } = app.get(IdentityService).defaultIdentity();
    await inWorkspace(workspaceId, async () => {
      const timing = process.env.BENCH_TIME === '1' ? timeBookkeeping(app) : undefined;
      if (timing) console.log(`one statement at rest: ${JSON.stringify(await roundTrip(pool))}`);
      const graphOnlyPlans = new Map<string, Plan>();
      const graphOnly = graphOnlyEngine(
        graphOnlyPlans,
        pool,
        app.get(AgentRegistryService),
        app.get<LlmProvider>(LLM_PROVIDER),
        config.agentsDir,
      );

      const newProject = async (plan: Plan): Promise<string> => {
        const { rows } = await pool.query<{ id: string }>(
          `insert into projects (workspace_id, title, status, plan_json, current_plan_version, approved_version, department, autonomy_level)
         values ($1, $2, 'running', $3, 1, 1, 'operations', 'autonomous') returning id`,
          [workspaceId, plan.title, JSON.stringify(plan)],
        );
        const projectId = rows[0]!.id;
        await pool.query(
          `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'bench')`,
          [workspaceId, projectId, JSON.stringify(plan)],
        );
        return projectId;
      };

      const shapes: Shape[] = [
        {
          name: 'linear-100',
          plan: linearPlan(100),
          parallel: false,
          warmup: 2,
          runs: RUNS,
          plain: (s) => chainGraph(100, s, mark),
        },
        {
          name: 'parallel-20',
          plan: parallelPlan(20),
          parallel: true,
          warmup: 5,
          runs: RUNS * 5,
          plain: (s) => fanGraph(20, s, { worker: mark }),
        },
      ];
      const results: Figures[] = [];
      for (const shape of shapes) {
        const plain = shape.plain(saver);
        const ours: Sample[] = [];
        const oursGraphOnly: Sample[] = [];
        const theirs: Sample[] = [];
        const stepCount = shape.plan.steps.length;
        // Alternating runs, so drift (JIT, caches, other load on the machine) hits both alike.
        for (let r = 0; r < shape.warmup + shape.runs; r++) {
          const projectId = await newProject(shape.plan);
          const a = await measure(async () => {
            const result = await engine.run({ workspaceId, projectId });
            if (result.kind !== 'completed')
              throw new Error(`bench run of ${shape.name} ended ${JSON.stringify(result)}`);
          });
          if (a.marks.length !== stepCount)
            throw new Error(`${shape.name}: ${a.marks.length} agent runs for ${stepCount} steps`);
          if (trace && r === shape.warmup) {
            console.log(`statements of one ${shape.name} run of ours (per step):`);
            for (const [text, n] of [...trace.entries()].sort((x, y) => y[1] - x[1]))
              console.log(`  ${(n / stepCount).toFixed(2).padStart(6)}  ${text}`);
          }
          const graphOnlyProject = randomUUID();
          graphOnlyPlans.set(graphOnlyProject, shape.plan);
          const g = await measure(async () => {
            const result = await graphOnly.run({ workspaceId, projectId: graphOnlyProject });
            if (result.kind !== 'completed')
              throw new Error(`graph-only run of ${shape.name} ended ${JSON.stringify(result)}`);
          });
          const b = await measure(async () => {
            await plain.invoke(
              { n: 0 },
              {
                configurable: { thread_id: `bench-${shape.name}-${r}-${randomBytes(3).toString('hex')}` },
                durability: 'sync',
                recursionLimit: 1000,
              },
            );
          });
          if (r >= shape.warmup) {
            ours.push(a);
            oursGraphOnly.push(g);
            theirs.push(b);
          }
        }
        if (timing)
          console.log(
            [
              `bookkeeping awaited per step of ${shape.name} (ours):`,
              ...timing.report((shape.warmup + shape.runs) * stepCount),
            ].join('\n'),
          );
        results.push(
          figures(shape.name, 'orchestrator', stepCount, shape.parallel, ours),
          figures(shape.name, 'orchestrator_graph_only', stepCount, shape.parallel, oursGraphOnly),
          figures(shape.name, 'langgraph_postgres', stepCount, shape.parallel, theirs),
        );
      }

      const of = (shape: string, engine: Figures['engine']) =>
        results.find((r) => r.shape === shape && r.engine === engine)!;
      const ratio = (shape: string, engine: Figures['engine'] = 'orchestrator') =>
        round(of(shape, engine).p50_ms_per_step / of(shape, 'langgraph_postgres').p50_ms_per_step, 2);
      const overhead = ratio('linear-100');
      console.log(
        `Execution engine vs plain LangGraph on PostgresSaver — Postgres ${settings.version} (fsync=${settings.fsync}, synchronous_commit=${settings.sync}), Node ${process.version}, no-op agents`,
      );
      console.log(table(results));
      console.log(
        `overhead per step, ours ÷ plain (p50): linear-100 ${overhead}×, parallel-20 ${ratio('parallel-20')}× (target ≤ 1.0×)`,
      );
      console.log(
        `  of which graph + checkpoints alone (bookkeeping in memory) ÷ plain: linear-100 ${ratio('linear-100', 'orchestrator_graph_only')}×, parallel-20 ${ratio('parallel-20', 'orchestrator_graph_only')}×`,
      );
      const flat: Record<string, number> = {};
      for (const r of results) {
        const prefix = `engine_${r.shape.replace('-', '')}_${r.engine}`;
        flat[`${prefix}_p50_ms_per_step`] = r.p50_ms_per_step;
        flat[`${prefix}_p95_ms_per_step`] = r.p95_ms_per_step;
        flat[`${prefix}_steps_per_sec`] = r.steps_per_sec;
        flat[`${prefix}_queries_per_step`] = r.queries_per_step;
      }
      console.log(
        JSON.stringify({
          bench: 'engine',
          postgres: settings,
          node: process.version,
          ...flat,
          overhead_ratio_vs_langgraph_postgres: overhead,
          overhead_ratio_vs_langgraph_postgres_parallel20: ratio('parallel-20'),
          graph_only_ratio_vs_langgraph_postgres: ratio('linear-100', 'orchestrator_graph_only'),
          graph_only_ratio_vs_langgraph_postgres_parallel20: ratio('parallel-20', 'orchestrator_graph_only'),
        }),
      );
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
