import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

const SHIPPED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../agents');

let db: TestDatabase;
let app: TestApp;
let agentsDir: string;

beforeAll(async () => {
  db = await testDatabase();
  agentsDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'orch-agents-')), 'agents');
  await cp(SHIPPED, agentsDir, { recursive: true });
  await writeFile(path.join(agentsDir, 'finance/budget_planner/agent.yaml'), 'name: budget_planner\ntitle: Budget Planner\ntype: [oops\n');
  app = await startApp(db.url, { AGENTS_DIR: agentsDir });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('a corrupted agent.yaml', () => {
  it('should be reported on that agent with its path while the rest of the workforce works', async () => {
    const { body } = await api(app.baseUrl, 'GET', '/api/agents');
    const broken = body.agents.find((a: { name: string }) => a.name === 'budget_planner');
    expect(broken.loadError).toContain(path.join(agentsDir, 'finance/budget_planner/agent.yaml'));
    expect(broken.loadError).toMatch(/invalid YAML/);
    expect(broken.status).toBe('offline');
    expect(body.agents.filter((a: { loadError: string | null }) => a.loadError === null)).toHaveLength(33);

    const conv = await api(app.baseUrl, 'POST', '/api/conversations', {});
    const res = await api(app.baseUrl, 'POST', `/api/conversations/${conv.body.id}/messages`, { content: 'Who reports to the CFO?' });
    expect(res.body.reply.content).toContain('finance_manager_orchestrator');
    expect(res.body.reply.content).not.toContain('Budget Planner');
  });
});
