/**
 * Per-step cost of checkpointing a LangGraph run: no checkpointer vs PostgresSaver 1.0.5 vs
 * PostgresCheckpointSaver, on one Postgres (BENCH_DATABASE_URL, or an embedded one with
 * production settings: fsync and synchronous_commit on; BENCH_FSYNC=off turns them off to
 * isolate round trips from disk flushes). Two graph shapes with nodes that do
 * nothing but bump a value: a 100-step chain and a 20-wide fan-out/fan-in. Prints a table,
 * then one line of JSON.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemorySaver, type BaseCheckpointSaver } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { openPool, runSqlFile, startEmbeddedPostgres } from '@orchestrator/db';
import pg from 'pg';
import { PostgresCheckpointSaver } from './saver.js';
import { chainGraph, fanGraph } from './bench-graphs.js';

// LangGraph adds an abort listener per running task; 20 parallel tasks exceed Node's default
// of 10 and print a (harmless) leak warning into the table.
setMaxListeners(100);

const MIGRATION = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../supabase/migrations/20261121001100_project_checkpoints_init.sql',
);
// MemorySaver shows the floor: what LangGraph itself spends per step once a checkpointer is set.
type SaverName = 'none' | 'MemorySaver' | 'PostgresSaver' | 'PostgresCheckpointSaver';
const SAVERS: SaverName[] = ['none', 'MemorySaver', 'PostgresSaver', 'PostgresCheckpointSaver'];

/** Timestamps taken at the start of each superstep (by its first node), in ms. */
let marks: number[] = [];
const mark = () => marks.push(performance.now());

/** Counts statements sent to Postgres (each a round trip) by patching the driver. */
let queries = 0;
const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = proto.query;
proto.query = function (this: unknown, ...args: unknown[]) {
  queries++;
  return originalQuery.apply(this, args);
};

interface Shape {
  name: string;
  steps: number;
  runs: number;
  warmup: number;
  build: (checkpointer: BaseCheckpointSaver | undefined) => {
    invoke: (input: Record<string, unknown>, config: object) => Promise<unknown>;
  };
}
interface Result {
  shape: string;
  saver: SaverName;
  steps: number;
  p50: number;
  p95: number;
  overheadP50: number;
  stepsPerSec: number;
  queriesPerStep: number;
}
interface Sample {
  stepMs: number[];
  runMs: number;
  queries: number;
}

async function runOnce(shape: Shape, graph: ReturnType<Shape['build']>, thread: string): Promise<Sample> {
  marks = [];
  const q0 = queries;
  const started = performance.now();
  await graph.invoke(
    { n: 0 },
    { configurable: { thread_id: thread }, durability: 'sync', recursionLimit: shape.steps + 10 },
  );
  const ended = performance.now();
  // A step lasts from its start to the next step's start (the last one: to the run's end),
  // so it includes the checkpoint written after it.
  const stepMs = marks.map((t, i) => (marks[i + 1] ?? ended) - t);
  return { stepMs, runMs: ended - started, queries: queries - q0 };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function database(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const name = `orch_bench_${randomBytes(4).toString('hex')}`;
  const given = process.env.BENCH_DATABASE_URL;
  let admin = given;
  let stop = async () => undefined as void;
  if (!admin) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-bench-'));
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      ephemeral: process.env.BENCH_FSYNC === 'off',
    });
    admin = server.superuserUrl('postgres');
    stop = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      await stop();
    },
  };
}

async function main(): Promise<void> {
  const db = await database();
  const pools: pg.Pool[] = [];
  try {
    const pool = async () => {
      const p = await openPool(db.url, { max: 10, applicationName: 'checkpoint-bench' });
      pools.push(p);
      return p;
    };
    const setupPool = await pool();
    await runSqlFile(setupPool, MIGRATION);
    const pgSaver = new PostgresSaver(await pool(), undefined, { schema: 'langgraph_bench' });
    await pgSaver.setup();
    const savers: Record<SaverName, BaseCheckpointSaver | undefined> = {
      none: undefined,
      MemorySaver: new MemorySaver(),
      PostgresSaver: pgSaver,
      PostgresCheckpointSaver: new PostgresCheckpointSaver(await pool()),
    };
    const settings = await setupPool.query<{ version: string; fsync: string; sync: string }>(
      `select current_setting('server_version') as version, current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync`,
    );
    const server = settings.rows[0]!;

    const shapes: Shape[] = [
      { name: 'linear-100', steps: 100, runs: 10, warmup: 2, build: (c) => chainGraph(100, c, mark) },
      {
        name: 'fanout-20',
        steps: 3,
        runs: 40,
        warmup: 5,
        build: (c) =>
          fanGraph(20, c, {
            fan: mark,
            worker: (i) => {
              if (i === 0) mark();
            },
            join: mark,
          }),
      },
    ];
    const results: Result[] = [];
    for (const shape of shapes) {
      const graphs = Object.fromEntries(SAVERS.map((s) => [s, shape.build(savers[s])])) as Record<
        SaverName,
        ReturnType<Shape['build']>
      >;
      const samples: Record<SaverName, Sample[]> = {
        none: [],
        MemorySaver: [],
        PostgresSaver: [],
        PostgresCheckpointSaver: [],
      };
      // Round-robin, so drift (JIT, caches, disk) affects every saver alike.
      for (let r = 0; r < shape.warmup + shape.runs; r++) {
        for (const s of SAVERS) {
          const sample = await runOnce(shape, graphs[s], `project:bench-${shape.name}-${s}-${r}`);
          if (r >= shape.warmup) samples[s].push(sample);
        }
      }
      const baseline = percentile(
        samples.none.flatMap((x) => x.stepMs),
        50,
      );
      for (const s of SAVERS) {
        const steps = samples[s].flatMap((x) => x.stepMs);
        const totalMs = samples[s].reduce((sum, x) => sum + x.runMs, 0);
        results.push({
          shape: shape.name,
          saver: s,
          steps: steps.length,
          p50: round(percentile(steps, 50)),
          p95: round(percentile(steps, 95)),
          overheadP50: round(percentile(steps, 50) - baseline),
          stepsPerSec: round((steps.length / totalMs) * 1000, 1),
          queriesPerStep: round(samples[s].reduce((sum, x) => sum + x.queries, 0) / steps.length, 2),
        });
      }
    }

    const header = ['shape', 'saver', 'steps', 'p50 ms/step', 'p95 ms/step', 'overhead p50', 'steps/s', 'queries/step'];
    const rows = results.map((r) =>
      [r.shape, r.saver, r.steps, r.p50, r.p95, r.overheadP50, r.stepsPerSec, r.queriesPerStep].map(String),
    );
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(
      `Postgres ${server.version} (fsync=${server.fsync}, synchronous_commit=${server.sync}), Node ${process.version}`,
    );
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    const speedup = Object.fromEntries(
      shapes.map((shape) => {
        const of = (s: SaverName) => results.find((r) => r.shape === shape.name && r.saver === s)!;
        return [
          shape.name,
          round(of('PostgresSaver').overheadP50 / Math.max(of('PostgresCheckpointSaver').overheadP50, 0.001), 2),
        ];
      }),
    );
    console.log(`overhead per step, PostgresSaver / PostgresCheckpointSaver: ${JSON.stringify(speedup)}`);
    console.log(
      JSON.stringify({
        bench: 'checkpoint-postgres',
        postgres: server,
        node: process.version,
        results,
        overheadRatio: speedup,
      }),
    );
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await db.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
