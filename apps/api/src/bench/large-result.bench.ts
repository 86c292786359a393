/**
 * `pnpm bench` (large-result part): what a step whose result is 100 MB costs the process that runs
 * it (docs/performance.md, "Large step results": held in memory at most once, never copied into
 * checkpoints, the event loop kept free). The real server wiring in-process, as in engine.bench.ts, runs a one-step project whose
 * function agent returns BENCH_RESULT_MB (default 100) MiB of markdown — in 1 MiB pieces, and again
 * joined into one string by the agent (what the agent itself then costs). Measured over each run:
 * RSS growth (peak and after a GC), event-loop delay (monitorEventLoopDelay: max, p99) and the
 * latency of `/health/live` polled every 50 ms by a separate process (a poller inside this
 * process would stall with the loop it measures). Then the result is downloaded through the API
 * and its sha256 compared with the stored blob's, and the checkpoint's size is read.
 * Run with --expose-gc (scripts/bench.mjs does). Prints a summary, then one line of JSON.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ExecutionEngine } from '@orchestrator/core';
import { inWorkspace, startEmbeddedPostgres, type Pool } from '@orchestrator/db';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../app.js';
import { loadConfig } from '../config/env.js';
import { PG_POOL } from '../database/tokens.js';
import { IdentityService } from '../modules/identity/identity.service.js';
import { ExecutionRepository } from '../modules/execution/execution.repository.js';
import { EXECUTION_ENGINE } from '../modules/execution/execution.tokens.js';
import {
  addLargeResultAgent,
  largeResultPlan,
  noopAgentsDir,
  RESULT_SPEC_HOOK,
  type LargeResultSpec,
} from './fixtures.js';
import { percentile, round } from './stats.js';

const RESULT_MB = Number(process.env.BENCH_RESULT_MB ?? 100);
const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Polls a URL every 50 ms from its own process; when stdin closes, prints every check as
 * [sent at (epoch ms), latency in ms or -1 on failure].
 */
const POLLER = `
const url = process.argv[1];
const checks = [];
const timer = setInterval(() => {
  const at = Date.now();
  const t0 = performance.now();
  fetch(url, { signal: AbortSignal.timeout(10000) })
    .then((r) => r.arrayBuffer())
    .then(() => checks.push([at, performance.now() - t0]), () => checks.push([at, -1]));
}, 50);
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => {
  clearInterval(timer);
  setTimeout(() => process.stdout.write(JSON.stringify(checks)), 200);
});
process.stdout.write('ready\\n');
`;

type Check = [sentAt: number, latencyMs: number];

function startPoller(url: string): { stop: () => Promise<Check[]> } {
  const child = spawn(process.execPath, ['-e', POLLER, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        child.on('exit', () => {
          try {
            resolve(JSON.parse(out.slice(out.indexOf('\n') + 1)) as Check[]);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        child.stdin.end();
      }),
  };
}

/** Health checks and event-loop delay over a stretch of the run. */
function loopFigures(checks: Check[], delay: IntervalHistogram) {
  const ok = checks.map(([, l]) => l).filter((l) => l >= 0);
  return {
    loop_delay_max_ms: round(delay.max / 1e6, 1),
    loop_delay_p99_ms: round(delay.percentile(99) / 1e6, 1),
    health_checks: checks.length,
    health_failed: checks.length - ok.length,
    health_p99_ms: round(percentile(ok, 99), 1),
    health_max_ms: round(Math.max(0, ...ok), 1),
    health_over_100ms: ok.filter((l) => l > 100).length,
  };
}

/** Forced GCs until the heap is at rest, so RSS before and after compare like with like. */
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 300));
  }
};

const rssMb = () => process.memoryUsage.rss() / MB;
/** The process's highest RSS so far (the kernel's count: a peak between two samples is not missed). */
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  if (!gc) throw new Error('run with --expose-gc (scripts/bench.mjs does)');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'orch-large-bench-'));
  const given = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  const pgServer = given
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), ephemeral: process.env.BENCH_FSYNC === 'off' });
  const adminUrl = given ?? pgServer!.superuserUrl('postgres');
  const name = `orch_large_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${name}`;
  let close = async () => undefined as void;
  try {
    const env = {
      DATABASE_URL: dbUrl.toString(),
      PORT: '0',
      LOG_LEVEL: 'silent',
      LLM_PROVIDER: 'offline',
      WEB_DIST_DIR: '/nonexistent',
      DATA_DIR: path.join(tmp, 'data'),
      AGENTS_WATCH: 'false',
    } as const;
    const agentsDir = await noopAgentsDir(loadConfig(env).agentsDir, tmp);
    await addLargeResultAgent(agentsDir);
    const app = await createApp({
      config: loadConfig({ ...env, AGENTS_DIR: agentsDir }),
      logger: pino({ level: 'silent' }),
    });
    await app.listen(0, '127.0.0.1');
    close = () => app.close();
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const engine = app.get<ExecutionEngine>(EXECUTION_ENGINE);
    const repository = app.get(ExecutionRepository);
    const pool = app.get<Pool>(PG_POOL);
    // The bench acts in the default workspace, as its owner's requests do (row-level security).
    const { workspaceId } = app.get(IdentityService).defaultIdentity();
    await inWorkspace(workspaceId, async () => {
      const plan = largeResultPlan();
      const runProject = async (spec: LargeResultSpec): Promise<string> => {
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
        (globalThis as Record<string, unknown>)[RESULT_SPEC_HOOK] = spec;
        const result = await engine.run({ workspaceId, projectId });
        if (result.kind !== 'completed') throw new Error(`bench run ended ${JSON.stringify(result)}`);
        await repository.flushCompletions(projectId);
        return projectId;
      };

      /**
       * One measured run of a project whose step returns a result of the spec's size. Figures for
       * the whole run, and for what follows the agent's return (storing the result, the
       * checkpoint, the bookkeeping: ours), since building 100 MB costs the agent itself too.
       */
      const measure = async (spec: LargeResultSpec) => {
        const poller = startPoller(`${baseUrl}/health/live`);
        await settle();
        // Checks sent before the run (some wait for the forced GCs above) are not counted.
        await new Promise((r) => setTimeout(r, 500));
        const before = rssMb();
        const maxBefore = maxRssMb();
        let sampledPeak = before;
        const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssMb())), 10);
        const delay = monitorEventLoopDelay({ resolution: 10 });
        const ours = monitorEventLoopDelay({ resolution: 10 });
        let returnedAt = 0;
        delay.enable();
        const startedAt = Date.now();
        const t0 = performance.now();
        const projectId = await runProject({
          ...spec,
          returning: () => {
            returnedAt = Date.now();
            ours.enable();
          },
        });
        const stepMs = performance.now() - t0;
        const endedAt = Date.now();
        delay.disable();
        ours.disable();
        clearInterval(sampler);
        const checks = await poller.stop();
        const maxAfter = maxRssMb();
        // The kernel's peak counts only when this run raised it; otherwise the samples are the best we know.
        const peak = Math.max(sampledPeak, maxAfter > maxBefore ? maxAfter : 0);
        await settle();
        const after = rssMb();
        const during = checks.filter(([at]) => at >= startedAt && at <= endedAt);
        const whole = loopFigures(during, delay);
        // Checks sent once the agent had returned (one sent before may have waited for the agent).
        const afterAgent = loopFigures(
          during.filter(([at]) => at >= returnedAt),
          ours,
        );
        return {
          projectId,
          figures: {
            step_ms: round(stepMs, 0),
            rss_before_mb: round(before, 0),
            rss_growth_peak_mb: round(peak - before, 0),
            rss_growth_after_mb: round(after - before, 0),
            ...whole,
            ...Object.fromEntries(Object.entries(afterAgent).map(([k, v]) => [`after_agent_${k}`, v])),
          } as Record<string, number> & typeof whole,
        };
      };

      // Warm-up: the same path with a 2 MB result (blob-sized), so code loading and JIT are not counted.
      for (let i = 0; i < 3; i++) await runProject({ chars: 2 * MB + i });
      // First the agent that joins its result into one string (the kernel's peak RSS is for the whole
      // process, so the larger run goes first), then the agent that returns it in pieces.
      const { figures: joined } = await measure({ chars: RESULT_MB * MB, asString: true });
      const { projectId, figures: pieces } = await measure({ chars: RESULT_MB * MB });

      // The result as the web reads it: streamed from the blob store through the API, then checked.
      const stored = (
        await pool.query<{ sha256: string; size_bytes: string }>(
          `select d.sha256, d.size_bytes from project_steps s join project_data_storage d on d.id = s.result_ref where s.project_id = $1`,
          [projectId],
        )
      ).rows[0];
      if (!stored) throw new Error('the large result was not stored as a blob');
      const t1 = performance.now();
      const res = await fetch(`${baseUrl}/api/projects/${projectId}/steps/large/result`);
      const hash = createHash('sha256');
      let downloaded = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        downloaded += chunk.length;
      }
      const downloadMs = performance.now() - t1;
      const intact = hash.digest('hex') === stored.sha256 && downloaded === Number(stored.size_bytes);
      // Everything the checkpointer holds for the thread: checkpoints, channel values, pending writes.
      const checkpoint = (
        await pool.query<{ bytes: number }>(
          `select ((select coalesce(sum(octet_length(checkpoint::text) + octet_length(metadata::text)), 0) from checkpoints.checkpoints where thread_id = $1)
               + (select coalesce(sum(octet_length(blob)), 0) from checkpoints.blobs where thread_id = $1)
               + (select coalesce(sum(octet_length(blob)), 0) from checkpoints.writes where thread_id = $1))::int as bytes`,
          [`project:${projectId}`],
        )
      ).rows[0]!.bytes;

      const line = (label: string, f: typeof pieces) =>
        [
          `  ${label}: step ${f.step_ms} ms; RSS before ${f.rss_before_mb} MB, growth peak ${f.rss_growth_peak_mb} MB, after GC ${f.rss_growth_after_mb} MB (goal < ${2 * RESULT_MB} MB)`,
          `    whole run: event-loop delay max ${f.loop_delay_max_ms} ms, p99 ${f.loop_delay_p99_ms} ms; /health/live every 50 ms: ${f.health_checks} checks, ${f.health_failed} failed, p99 ${f.health_p99_ms} ms, max ${f.health_max_ms} ms, ${f.health_over_100ms} over 100 ms (goal 0)`,
          `    after the agent returned: event-loop delay max ${f.after_agent_loop_delay_max_ms} ms, p99 ${f.after_agent_loop_delay_p99_ms} ms; ${f.after_agent_health_checks} checks, max ${f.after_agent_health_max_ms} ms, ${f.after_agent_health_over_100ms} over 100 ms`,
        ].join('\n');
      console.log(
        [
          `Large step result (${RESULT_MB} MiB, ${stored.size_bytes} bytes stored) — Node ${process.version}`,
          line('agent returns 1 MiB pieces', pieces),
          line('agent joins one string', joined),
          `  download through the API ${round(downloadMs, 0)} ms, intact: ${intact}; the thread's checkpoints hold ${checkpoint} bytes in all`,
        ].join('\n'),
      );
      const flat = (prefix: string, f: typeof pieces) =>
        Object.fromEntries(Object.entries(f).map(([k, v]) => [`${prefix}_${k}`, v]));
      console.log(
        JSON.stringify({
          bench: 'large-result',
          large_result_bytes: Number(stored.size_bytes),
          ...flat('large_result', pieces),
          ...flat('large_result_joined', joined),
          large_result_download_ms: round(downloadMs, 0),
          large_result_download_intact: intact,
          large_result_checkpoint_thread_bytes: checkpoint,
        }),
      );
    });
  } finally {
    await close();
    await admin(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await pgServer?.stop();
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
