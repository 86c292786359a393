import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  embeddedUrl,
  freePort,
  readEmbeddedCredentials,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '@orchestrator/db';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSocket } from './harness.js';
import {
  approveProject,
  completedSteps,
  linearPlan,
  projectAwaitingApproval,
  projectStatus,
} from './linear-project.js';
import { startServerProcess, stopProcess, type ServerProcess as Server } from './server-process.js';

const STEPS = 40;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function startServer(env: Record<string, string | undefined>): Promise<Server> {
  const server = await startServerProcess(env);
  cleanups.push(() => stopProcess(server.child));
  return server;
}

/** A project of STEPS linear steps, approved through the API so that it runs now. */
async function approvedProject(sql: pg.Pool, server: Server): Promise<string> {
  const { projectId } = await projectAwaitingApproval(sql, linearPlan('Outage handbook', STEPS));
  await approveProject(server.url, projectId);
  return projectId;
}

async function get(url: string): Promise<{ status: number; body: { error?: { code: string } } }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A pool for the test's own look-ups: it reconnects by itself once the database is back. */
function testPool(url: string): pg.Pool {
  const sql = new pg.Pool({ connectionString: url, max: 2 });
  sql.on('error', () => undefined);
  cleanups.push(() => sql.end());
  return sql;
}

/** While the database is down: readiness, API routes and socket acks answer `database/unavailable`. */
async function expectUnavailable(server: Server): Promise<void> {
  const ready = await until(
    'readiness to fail',
    () => get(`${server.url}/health/ready`),
    (r) => r.status !== 200,
  );
  expect(ready.status).toBe(503);
  expect(ready.body.error?.code).toBe('database/unavailable');
  const live = await get(`${server.url}/health/live`);
  expect(live.status).toBe(200);
  for (const route of ['/api/conversations', '/api/projects']) {
    const res = await get(`${server.url}${route}`);
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('database/unavailable');
  }
  const socket = await connectSocket(server.url);
  try {
    const ack = await socket.timeout(10_000).emitWithAck('conversation.join', { conversationId: randomUUID() });
    expect(ack).toMatchObject({ ok: false, error: { code: 'database/unavailable' } });
  } finally {
    socket.close();
  }
}

/** Back to ready; the interrupted project finishes every step once; a chat message gets its reply. */
async function expectRecovered(server: Server, sql: pg.Pool, projectId: string): Promise<void> {
  await until(
    'readiness to pass',
    () => get(`${server.url}/health/ready`),
    (r) => r.status === 200,
  );
  expect(
    await until(
      'the project to finish',
      () => projectStatus(sql, projectId),
      (s) => s !== 'running',
    ),
  ).toBe('completed');
  expect(await completedSteps(sql, projectId)).toBe(STEPS);
  // Each step's side effect (its audited execution) happened exactly once; no failure was recorded.
  const audit = await sql.query<{ n: string }>(
    `select count(*) as n from audit_log where project_id = $1 and action = 'step.execute' group by step_key`,
    [projectId],
  );
  expect(audit.rows.map((r) => Number(r.n))).toEqual(Array(STEPS).fill(1));
  const errors = await sql.query('select category, message from project_errors where project_id = $1', [projectId]);
  expect(errors.rows).toEqual([]);
  const conversation = await fetch(`${server.url}/api/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  }).then((r) => r.json() as Promise<{ id: string }>);
  const sent = await fetch(`${server.url}/api/conversations/${conversation.id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'Who reports to the CMO?' }),
  });
  expect(sent.status).toBe(201);
  expect(((await sent.json()) as { reply: { content: string } }).reply.content.length).toBeGreaterThan(0);
  // Nobody restarted the app.
  expect(server.child.exitCode).toBeNull();
}

/**
 * Holds a TCP port on 127.0.0.1 so that nothing else can listen there until released; a client
 * that connects meanwhile is dropped at once, as by a server that is going away.
 */
async function holdPort(port: number): Promise<() => Promise<void>> {
  return until(
    'the port to be free',
    () =>
      new Promise<() => Promise<void>>((resolve, reject) => {
        const holder = net.createServer((socket) => socket.destroy());
        holder.once('error', reject);
        holder.listen(port, '127.0.0.1', () => resolve(() => new Promise((r) => holder.close(() => r()))));
      }),
    () => true,
  );
}

describe('database outage', () => {
  it('should answer 503 while the embedded postmaster is down, restart it and resume work when it is SIGKILLed', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orch-outage-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const pgPort = await freePort();
    const server = await startServer({ DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) });
    const { superuser } = (await readEmbeddedCredentials(path.join(dataDir, 'postgres')))!;
    const sql = testPool(embeddedUrl(pgPort, superuser, 'orchestrator'));
    const projectId = await approvedProject(sql, server);
    await until(
      'a few steps to complete',
      () => completedSteps(sql, projectId),
      (n) => n >= 3,
    );

    const postmaster = Number(
      (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    process.kill(postmaster, 'SIGKILL');
    // Keep the port taken so that restarts fail: the outage lasts until it is released.
    const release = await holdPort(pgPort);
    await expectUnavailable(server);
    await until(
      'a restart to fail',
      async () => server.output(),
      (out) => out.includes('restart attempt 1 failed'),
    );
    await release();

    await expectRecovered(server, sql, projectId);
    expect(server.output()).toContain('embedded Postgres exited unexpectedly (signal SIGKILL); restarting it');
    expect(server.output()).toMatch(/embedded Postgres restarted \(attempt [2-9]\)/);
  }, 180_000);

  it('should answer 503 while an external database is down and resume work when it is back', async () => {
    const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'orch-outage-ext-')), 'data');
    cleanups.push(() => rm(path.dirname(dataDir), { recursive: true, force: true }));
    let external: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    cleanups.push(() => external.stop());
    const server = await startServer({ DATABASE_URL: external.superuserUrl('postgres') });
    const sql = testPool(external.superuserUrl('postgres'));
    const projectId = await approvedProject(sql, server);
    await until(
      'a few steps to complete',
      () => completedSteps(sql, projectId),
      (n) => n >= 3,
    );

    await external.stop();
    await expectUnavailable(server);
    external = await startEmbeddedPostgres({ dataDir, port: external.port, ephemeral: true });

    await expectRecovered(server, sql, projectId);
  }, 180_000);
});
