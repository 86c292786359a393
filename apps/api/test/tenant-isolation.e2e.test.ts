import { randomUUID } from 'node:crypto';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';
import { approveProject, linearPlan, projectAwaitingApproval, projectStatus } from './linear-project.js';

// Row-level security on what the app itself writes (docs/security.md, "Tenant isolation"): after
// a chat and a project run to completion, every row of every tenant table — checkpoints and
// step completions included — names its workspace, and the API's own role sees those rows only
// when acting for that workspace.

let db: TestDatabase;
let app: TestApp;
let sql: pg.Client;
/** Connected as the app's pool is: acting as its runtime role, which row-level security applies to. */
let asApp: pg.Client;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  asApp = new pg.Client({ connectionString: db.url, options: '-c role=orchestrator_app' });
  await asApp.connect();
});
afterAll(async () => {
  await asApp?.end();
  await sql?.end();
  await app?.close();
  await db?.drop();
});

/** Tables with row-level security and the column it keys on, as the superuser sees them. */
async function tenantTables(): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and c.relrowsecurity and n.nspname in ('public', 'checkpoints', 'langgraph')
      order by 1`,
  );
  return rows.map((r) => r.name);
}

const key = (table: string) => (table === 'public.workspaces' ? 'id' : 'workspace_id');

async function countAs(workspace: string, table: string): Promise<number> {
  await asApp.query(`select set_config('app.workspace_id', $1, false)`, [workspace]);
  return (await asApp.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
}

describe('tenant isolation of what the app writes', () => {
  it('should file every row it writes under its workspace and show it to no other', async () => {
    const reply = await api(app.baseUrl, 'POST', '/api/conversations', {});
    const conversationId = reply.body.id as string;
    const sent = await api(app.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
      content: 'Who does the marketing team report to?',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const { workspaceId, projectId } = await projectAwaitingApproval(sql, linearPlan('Isolation guide', 3));
    await approveProject(app.baseUrl, projectId);
    await vi.waitFor(async () => expect(await projectStatus(sql, projectId)).toBe('completed'), {
      timeout: 30_000,
      interval: 100,
    });

    const other = randomUUID();
    const written: string[] = [];
    for (const table of await tenantTables()) {
      const { rows } = await sql.query<{ total: number; unfiled: number; own: number }>(
        `select count(*)::int as total, count(*) filter (where ${key(table)} is null)::int as unfiled,
                count(*) filter (where ${key(table)} = $1)::int as own from ${table}`,
        [workspaceId],
      );
      const { total, unfiled, own } = rows[0]!;
      expect(unfiled, `${table}: rows filed under no workspace`).toBe(0);
      expect(await countAs(workspaceId, table), table).toBe(own);
      expect(await countAs(other, table), table).toBe(0);
      if (total > 0) written.push(table);
    }
    // The run and the chat wrote these, so the checks above saw real rows in each (step
    // completions are deleted once applied; packages/db's tenancy test covers that table).
    expect(written).toEqual(
      expect.arrayContaining([
        'checkpoints.blobs',
        'checkpoints.checkpoints',
        'checkpoints.writes',
        'public.audit_log',
        'public.conversations',
        'public.messages',
        'public.project_steps',
        'public.projects',
        'public.workspaces',
      ]),
    );
  });
});
