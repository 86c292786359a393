import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProjectStep } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addLargeResultAgent,
  largeMarkdown,
  largeResultPlan,
  MARK_HOOK,
  noopAgentsDir,
  RESULT_SPEC_HOOK,
  type LargeResultSpec,
} from '../src/bench/fixtures.js';
import { loadConfig } from '../src/config/env.js';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

// A multi-MB step result (docs/performance.md, "Large step results"): streamed to the blob store,
// only a reference in the checkpoints and the step's event, read back whole by the step that
// depends on it and by the API.

const SPEC: LargeResultSpec = { chars: 3 * 1024 * 1024 + 17, unicode: true };
const HEADER = '**Bench Large Result** (`bench_large_result`):\n\n';
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let db: TestDatabase;
let app: TestApp;
let sql: pg.Client;
let socket: Socket;
let tmp: string;
let expected: string;
const priors: unknown[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'large-result-e2e-'));
  const agentsDir = await noopAgentsDir(loadConfig({ DATABASE_URL: 'postgres://unused' }).agentsDir, tmp);
  await addLargeResultAgent(agentsDir);
  expected = HEADER + (await largeMarkdown(SPEC)).join('');
  const hooks = globalThis as Record<string, unknown>;
  hooks[RESULT_SPEC_HOOK] = SPEC;
  hooks[MARK_HOOK] = (prior: unknown) => priors.push(prior);
  db = await testDatabase();
  app = await startApp(db.url, { AGENTS_DIR: agentsDir, DATA_DIR: path.join(tmp, 'data') });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  socket = await connectSocket(app.baseUrl);
});
afterAll(async () => {
  socket?.disconnect();
  await sql?.end();
  await app?.close();
  await db?.drop();
  await rm(tmp, { recursive: true, force: true });
});

describe('a large step result', () => {
  it('should keep only a reference in checkpoints and events and give the same bytes back when the result is several MB', async () => {
    const workspaceId = (await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!
      .id;
    const plan = largeResultPlan(true);
    const { rows } = await sql.query<{ id: string }>(
      `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, autonomy_level)
       values ($1, $2, 'awaiting_plan_approval', $3, 1, 'operations', 'autonomous') returning id`,
      [workspaceId, plan.title, JSON.stringify(plan)],
    );
    const projectId = rows[0]!.id;
    await sql.query(
      `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'test')`,
      [workspaceId, projectId, JSON.stringify(plan)],
    );
    const events: ProjectStep[] = [];
    socket.on('step.updated', (e: { projectId: string; step: ProjectStep }) => {
      if (e.projectId === projectId) events.push(e.step);
    });

    expect((await api(app.baseUrl, 'POST', `/api/projects/${projectId}/approve`, { version: 1 })).status).toBe(200);
    const until = Date.now() + 60_000;
    let status = 'running';
    while (status === 'running' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await sql.query<{ status: string }>('select status from projects where id = $1', [projectId])).rows[0]!
        .status;
    }
    expect(status).toBe('completed');

    // The blob holds the result exactly; the step row holds a reference and a preview.
    const stored = (
      await sql.query<{ result_ref: string; sha256: string; size_bytes: string; content: string }>(
        `select s.result_ref, d.sha256, d.size_bytes, s.result ->> 'content' as content
           from project_steps s join project_data_storage d on d.id = s.result_ref
          where s.project_id = $1 and s.step_key = 'large'`,
        [projectId],
      )
    ).rows[0]!;
    expect(stored.sha256).toBe(sha256(expected));
    expect(Number(stored.size_bytes)).toBe(Buffer.byteLength(expected));
    expect(stored.content.length).toBeLessThanOrEqual(2000);
    expect(expected.startsWith(stored.content)).toBe(true);

    // Downloaded through the API (streamed from the blob store), byte for byte.
    const res = await fetch(`${app.baseUrl}/api/projects/${projectId}/steps/large/result`);
    expect(res.status).toBe(200);
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(stored.sha256);

    // The step that depends on it read the whole result from the blob store.
    expect(priors).toEqual([[{ title: 'Bench step large', markdown: expected }]]);

    // The checkpoints hold the reference and a short preview, nothing of the body.
    const threadId = `project:${projectId}`;
    const saved = (
      await sql.query<{ bytes: number; body: boolean }>(
        `with v as (
           select convert_from(blob, 'UTF8') as text from checkpoints.blobs where thread_id = $1 and blob is not null
           union all select convert_from(blob, 'UTF8') from checkpoints.writes where thread_id = $1
           union all select checkpoint::text from checkpoints.checkpoints where thread_id = $1)
         select coalesce(sum(octet_length(text)), 0)::int as bytes, bool_or(text like '%| piece 2 |%') as body from v`,
        [threadId],
      )
    ).rows[0]!;
    expect(saved.body).toBe(false);
    expect(saved.bytes).toBeLessThan(64 * 1024);
    const done = (
      await sql.query<{ done: { status: string; resultRef: string; preview: string } }>(
        `select convert_from(blob, 'UTF8')::jsonb -> 'large' as done from checkpoints.blobs
          where thread_id = $1 and channel = 'done' order by version desc limit 1`,
        [threadId],
      )
    ).rows[0]!.done;
    expect(done).toMatchObject({ status: 'completed', resultRef: stored.result_ref });
    expect(done.preview.length).toBeLessThanOrEqual(200);

    // Its step.updated events carry a preview and the size, not the result.
    const large = events.filter((e) => e.stepKey === 'large');
    expect(large.at(-1)).toMatchObject({ status: 'completed', resultSizeBytes: Buffer.byteLength(expected) });
    expect(Math.max(...large.map((e) => JSON.stringify(e).length))).toBeLessThan(16 * 1024);
  }, 120_000);
});
