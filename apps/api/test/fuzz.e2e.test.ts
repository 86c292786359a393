/**
 * Property-based fuzz of the whole edge (docs/api.md "What is validated where"): every mapped HTTP
 * route and every client→server socket event gets malformed path, query and body values against
 * the real app on real Postgres. Properties: never a 5xx (nor its socket equivalent), never a stack
 * trace or SQL text in a body, and no row added or removed by a request that was refused (4xx).
 *
 * Bounded for `npm test`: at most FUZZ_RUNS runs per route (default 6; 4× that per socket event)
 * within FUZZ_TIME_MS for the routes (default 20 s; a quarter of it for the events), each route
 * getting its share. Deeper: FUZZ_RUNS=200 FUZZ_TIME_MS=600000 npx vitest run test/fuzz.e2e.test.ts;
 * FUZZ_SEED=<printed seed> replays a run.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import * as contracts from '@orchestrator/contracts';
import type { ErrorBody, Message } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';
import { mappedRoutes, socketEvents, type MappedRoute } from './fuzz/routes.js';
import {
  bodyArb,
  bodySchemasFor,
  pathValueArb,
  payloadArb,
  probeBody,
  queryArb,
  validPath,
  type FuzzPools,
} from './fuzz/values.js';
import { findLeak } from './fuzz/leaks.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 20_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let db: TestDatabase;
let app: TestApp;
let client: pg.Client;
let pools: FuzzPools;
let countSql: string;

beforeAll(async () => {
  db = await testDatabase();
  // The fuzz saves, restores and retires agents: startApp runs it on a copy of agents/.
  app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query<{ t: string }>(
    `select format('%I.%I', table_schema, table_name) as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema in ('public', 'checkpoints', 'langgraph') order by 1`,
  );
  countSql = rows.map((r) => `select '${r.t}' as t, count(*)::int as n from ${r.t}`).join(' union all ');
  await seedRows();
  pools = await loadPools();
}, 120_000);
afterAll(async () => {
  await client?.end();
  await app?.close();
  await db?.drop();
});

/** Real rows for the values to point at, so requests reach services and SQL, not only the pipes. */
async function seedRows(): Promise<void> {
  const conversation = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const reply = (
    await api(app.baseUrl, 'POST', `/api/conversations/${conversation}/messages`, {
      content: 'Plan the hiring of a senior data engineer over the next two months',
    })
  ).body.reply as Message;
  const project = reply.metadata.project as { id: string; version: number };
  await api(app.baseUrl, 'POST', `/api/projects/${project.id}/approve`, { version: project.version });
  await quiesce();
  await api(app.baseUrl, 'POST', '/api/agents/finance_manager_orchestrator/improvements', {
    feedback: 'Cite the source of every figure in the forecast.',
  });
  await quiesce();
  await api(app.baseUrl, 'POST', '/api/tokens', { name: 'fuzz' });
}

async function loadPools(): Promise<FuzzPools> {
  const ids = await client.query<{ id: string }>(
    `select id::text from conversations union all select id::text from projects
     union all select id::text from pending_approvals union all select id::text from agent_improvements
     union all select id::text from budgets union all select id::text from agent_builds
     union all select id::text from delegation_history union all select id::text from api_tokens`,
  );
  const steps = await client.query<{ key: string }>('select step_key as key from project_steps');
  const agents = (await api(app.baseUrl, 'GET', '/api/agents')).body.agents as { name: string }[];
  const idsOf = async (table: string) =>
    (await client.query<{ id: string }>(`select id::text from ${table} limit 20`)).rows.map((r) => r.id);
  return {
    ids: [...ids.rows.map((r) => r.id), randomUUID()],
    idsByResource: {
      conversations: await idsOf('conversations'),
      projects: await idsOf('projects'),
      approvals: await idsOf('pending_approvals'),
      improvements: await idsOf('agent_improvements'),
      'agent-builds': await idsOf('agent_builds'),
      budgets: await idsOf('budgets'),
      delegations: await idsOf('delegation_history'),
      tokens: await idsOf('api_tokens'),
    },
    names: agents.map((a) => a.name),
    stepKeys: steps.rows.map((r) => r.key),
    schemas: Object.entries(contracts)
      .filter(([name, value]) => /(Body|Query|Ref)Schema$|^Socket\w+Schema$/.test(name) && value instanceof z.ZodType)
      .map(([name, value]) => ({ name, schema: value as z.ZodType })),
  };
}

async function counts(): Promise<Counts> {
  const { rows } = await client.query<{ t: string; n: number }>(countSql);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Project runs queued or running (pg-boss picks a queued one up within its polling interval). */
async function runsPending(): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `select count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active') and start_after <= now()`,
  );
  return rows[0]!.n;
}

/**
 * Waits until background work an accepted request started (a run, an approval's listeners, a
 * reply) stops writing: no run pending and row counts unchanged over a window longer than the
 * runner's polling interval.
 */
async function quiesce(): Promise<Counts> {
  let last = '';
  let stableSince = Date.now();
  for (const until = Date.now() + 20_000; Date.now() < until; await sleep(100)) {
    const now = JSON.stringify(await counts());
    if (now !== last || (await runsPending()) > 0) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 600) return JSON.parse(now) as Counts;
  }
  throw new Error('background work did not settle within 20 s');
}

type Counts = Record<string, number>;

const changedTables = (before: Counts, after: Counts): string[] =>
  Object.keys({ ...before, ...after }).filter((t) => after[t] !== before[t]);

/**
 * Tables whose row count a refused request changed, and the counts now. Work an earlier accepted
 * request started (a run, an approval's listeners) writes too, so a change is confirmed by replaying
 * the request once everything has settled: only a replay that is refused again and writes counts.
 */
async function refusalWrites(before: Counts, replay: () => Promise<boolean>): Promise<[string[], Counts]> {
  const after = await counts();
  if (!changedTables(before, after).length) return [[], after];
  const settled = await quiesce();
  if (!(await replay())) return [[], await quiesce()];
  const replayed = await counts();
  return [changedTables(settled, replayed), replayed];
}

interface Sent {
  status: number;
  text: string;
}

/** node:http rather than fetch: the path goes out exactly as built (no normalisation), GETs may carry a body. */
function send(route: MappedRoute, path: string, query: string, body: Body | undefined): Promise<Sent> {
  const { port } = new URL(app.baseUrl);
  const headers: Record<string, string | number> = {};
  if (body?.contentType !== undefined) headers['content-type'] = body.contentType;
  if (body) headers['content-length'] = Buffer.byteLength(body.raw);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: route.method, path: path + query, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body?.raw);
  });
}

type Body = { contentType?: string; raw: string };

/** Which contract schemas the route's body follows, from the issues it answers a probe with. */
async function bodySchemasOf(route: MappedRoute): Promise<z.ZodType[]> {
  if (!['POST', 'PUT', 'PATCH'].includes(route.method)) return bodySchemasFor(undefined, pools);
  const res = await send(route, validPath(route, pools), '', { contentType: 'application/json', raw: probeBody });
  const issues = res.status === 400 ? (JSON.parse(res.text) as ErrorBody).error.issues : undefined;
  return bodySchemasFor(issues, pools);
}

/** What the fuzz found: each broken property once per route, with its first example and how often. */
class Findings {
  private readonly seen = new Map<string, { example: string; times: number }>();

  add(kind: string, where: string, example: string): void {
    const key = `${kind} at ${where}`;
    const found = this.seen.get(key);
    if (found) found.times++;
    else this.seen.set(key, { example: example.slice(0, 400), times: 1 });
  }

  get total(): number {
    return [...this.seen.values()].reduce((n, f) => n + f.times, 0);
  }

  list(): string[] {
    return [...this.seen].map(([key, f]) => `${f.times} × ${key}: ${f.example}`);
  }
}

describe('fuzz', () => {
  it(
    'should answer every mapped route without a 5xx, a leak or a write on refusal when inputs are malformed',
    async () => {
      const routes = mappedRoutes(app.app);
      expect(routes.length).toBeGreaterThan(40);
      const findings = new Findings();
      const deadline = Date.now() + TIME_MS;
      let before = await quiesce();
      let requests = 0;
      const statuses = new Map<number, number>();
      for (const [i, route] of routes.entries()) {
        const where = `${route.method} ${route.path}`;
        // Runs past the route's share of the time budget are no-ops: fast-check's own time limit
        // would abandon a request midway, and its late writes would be blamed on the next one.
        const routeDeadline = Date.now() + Math.max(200, (deadline - Date.now()) / (routes.length - i));
        const schemas = await bodySchemasOf(route);
        const arb = fc.record({
          path: pathValueArb(route, pools),
          query: queryArb(pools),
          body: bodyArb(pools, schemas),
        });
        await fc.assert(
          fc.asyncProperty(arb, async (input) => {
            if (Date.now() > routeDeadline) return;
            const res = await send(route, input.path, input.query, input.body);
            requests++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const example = `${input.path}${input.query} ${JSON.stringify(input.body)?.slice(0, 150)} → ${res.status} ${res.text.slice(0, 200)}`;
            if (res.status >= 500) findings.add(`${res.status}`, where, example);
            const leak = findLeak(res.text);
            if (leak) findings.add(`leak "${leak}"`, where, example);
            if (res.status >= 400 && res.status < 500) {
              const refusedAgain = async () => {
                const again = await send(route, input.path, input.query, input.body);
                return again.status >= 400 && again.status < 500;
              };
              const [changed, now] = await refusalWrites(before, refusedAgain);
              if (changed.length) findings.add(`rows changed on ${res.status} (${changed.join(', ')})`, where, example);
              before = now;
            } else before = route.method === 'GET' ? await counts() : await quiesce();
          }),
          { numRuns: RUNS, seed },
        );
      }
      console.info(
        `fuzz (seed ${seed}): ${routes.length} routes, ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${findings.total} findings`,
      );
      expect(findings.list()).toEqual([]);
    },
    TIME_MS + 60_000,
  );

  it(
    'should answer every socket event with an ok or a 4xx-like error when payloads are malformed',
    async () => {
      const events = socketEvents(app.app);
      expect(events.length).toBeGreaterThan(2);
      const findings = new Findings();
      const socket = await connectSocket(app.baseUrl);
      const deadline = Date.now() + TIME_MS / 4;
      let sent = 0;
      try {
        let before = await quiesce();
        for (const [i, event] of events.entries()) {
          const eventDeadline = Date.now() + Math.max(200, (deadline - Date.now()) / (events.length - i));
          await fc.assert(
            fc.asyncProperty(fc.array(payloadArb(event, pools), { maxLength: 3 }), async (args) => {
              if (Date.now() > eventDeadline) return;
              const ack = (await socket.timeout(10_000).emitWithAck(event, ...args)) as {
                ok: boolean;
                error?: { code: string; message: string };
              };
              sent++;
              const example = `${JSON.stringify(args).slice(0, 200)} → ${JSON.stringify(ack).slice(0, 200)}`;
              if (!(ack.ok === true || (ack.ok === false && typeof ack.error?.code === 'string')))
                findings.add('malformed ack', event, example);
              if (/^(internal|db|database)\//.test(ack.error?.code ?? ''))
                findings.add(ack.error!.code, event, example);
              const leak = findLeak(JSON.stringify(ack));
              if (leak) findings.add(`leak "${leak}"`, event, example);
              if (!ack.ok) {
                const refusedAgain = async () =>
                  !((await socket.timeout(10_000).emitWithAck(event, ...args)) as { ok: boolean }).ok;
                const [changed, now] = await refusalWrites(before, refusedAgain);
                if (changed.length) findings.add(`rows changed on refusal (${changed.join(', ')})`, event, example);
                before = now;
              } else {
                // A join or leave writes nothing; a stored message starts a reply that does.
                const after = await counts();
                before = JSON.stringify(after) === JSON.stringify(before) ? after : await quiesce();
              }
            }),
            { numRuns: RUNS * 4, seed },
          );
        }
        if (!socket.connected) findings.add('disconnected', 'socket', 'the server closed the socket');
      } finally {
        socket.disconnect();
      }
      console.info(`fuzz (seed ${seed}): ${events.length} socket events, ${sent} emits, ${findings.total} findings`);
      expect(findings.list()).toEqual([]);
    },
    TIME_MS + 60_000,
  );
});
