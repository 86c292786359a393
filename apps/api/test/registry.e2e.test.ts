import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDetail, AgentSummary, AgentVersionPage, RegistryReloaded } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRegistryService } from '../src/modules/agents/agent-registry.service.js';
import { WATCH_DEBOUNCE_MS } from '../src/modules/agents/agent-watcher.service.js';
import { api, connectSocket, copyOfAgents, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let agentsDir: string;
let socket: Socket;
const reloads: RegistryReloaded[] = [];

beforeAll(async () => {
  db = await testDatabase();
  agentsDir = await copyOfAgents();
  await writeFile(
    path.join(agentsDir, 'finance/budget_planner/agent.yaml'),
    'name: budget_planner\ntitle: Budget Planner\ntype: [oops\n',
  );
  // This file is about hot reload: the watcher is on (tests elsewhere run without it).
  app = await startApp(db.url, { AGENTS_DIR: agentsDir, AGENTS_WATCH: 'true' });
  socket = await connectSocket(app.baseUrl);
  socket.on('registry.reloaded', (e: RegistryReloaded) => reloads.push(e));
});
afterAll(async () => {
  socket?.close();
  await app?.close();
  await db?.drop();
});

const agentFile = (sourcePath: string, file: string) => path.join(agentsDir, sourcePath, file);
const detail = async (name: string) => (await api(app.baseUrl, 'GET', `/api/agents/${name}`)).body as AgentDetail;
const list = async () => (await api(app.baseUrl, 'GET', '/api/agents')).body.agents as AgentSummary[];

/** Polls until `check` returns a value (hot reload is asynchronous: debounce, then reload). */
async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a corrupted agent.yaml', () => {
  it('should be reported on that agent with its path while the rest of the workforce works', async () => {
    const { body } = await api(app.baseUrl, 'GET', '/api/agents');
    const broken = body.agents.find((a: { name: string }) => a.name === 'budget_planner');
    expect(broken.loadError).toContain(path.join(agentsDir, 'finance/budget_planner/agent.yaml'));
    expect(broken.loadError).toMatch(/invalid YAML/);
    expect(broken.status).toBe('offline');
    expect(body.agents.filter((a: { loadError: string | null }) => a.loadError === null)).toHaveLength(33);
    const problems = (await api(app.baseUrl, 'GET', '/api/agents/problems')).body.problems as Array<{
      path: string;
      message: string;
    }>;
    expect(problems).toEqual([
      expect.objectContaining({
        path: path.join(agentsDir, 'finance/budget_planner/agent.yaml'),
        message: expect.stringMatching(/invalid YAML/),
      }),
    ]);

    const conv = await api(app.baseUrl, 'POST', '/api/conversations', {});
    const res = await api(app.baseUrl, 'POST', `/api/conversations/${conv.body.id}/messages`, {
      content: 'Who reports to the CFO?',
    });
    expect(res.body.reply.content).toContain('finance_manager_orchestrator');
    expect(res.body.reply.content).not.toContain('Budget Planner');
  });
});

describe('hot reload', () => {
  it('should use a Context.md edited on disk without a restart and record it as a system version', async () => {
    const file = agentFile('engineering/technical_writer', 'Context.md');
    const edited = `${await readFile(file, 'utf8')}\n## Edited on disk\nWritten by another editor.\n`;
    await writeFile(file, edited);
    const updated = await eventually(async () => {
      const d = await detail('technical_writer');
      return d.version === 2 && d;
    });
    expect(updated.contextMd).toBe(edited);
    const versions = (await api(app.baseUrl, 'GET', '/api/agents/technical_writer/versions')).body as AgentVersionPage;
    expect(versions.versions[0]).toMatchObject({
      version: 2,
      authorType: 'system',
      author: 'system',
      message: 'Changed on disk',
    });
    // The registry the orchestrator reads on every task already holds the new text and version.
    const live = app.app.get(AgentRegistryService).current().get('technical_writer')!;
    expect(live.contextMd).toBe(edited);
    expect(live.version).toBe(2);
    expect(reloads.length).toBeGreaterThan(0);
  });

  it('should keep the other agents working and show the error on the broken one when a file breaks, and recover when it is fixed', async () => {
    const file = agentFile('engineering/qa_tester', 'agent.yaml');
    const good = await readFile(file, 'utf8');
    const before = await detail('qa_tester');
    const seen = reloads.length;
    await writeFile(file, good.replace(/^reportsTo: .*$/m, 'reportsTo: nobody_known'));
    const broken = await eventually(async () =>
      (await list()).find((a) => a.name === 'qa_tester' && a.loadError !== null),
    );
    expect(broken.status).toBe('offline');
    expect(broken.loadError).toMatch(/reportsTo: "nobody_known" is not a known, valid agent/);
    await eventually(async () => reloads.length > seen && reloads.at(-1)!.problems.some((p) => p.path === file));
    expect((await list()).filter((a) => a.loadError === null)).toHaveLength(32);
    expect(app.app.get(AgentRegistryService).current().get('qa_tester')).toBeUndefined();
    expect(app.app.get(AgentRegistryService).current().get('code_reviewer')).toBeDefined();
    // The last valid definition is still shown while the file is broken.
    expect((await detail('qa_tester')).definition?.reportsTo).toBe(before.definition?.reportsTo);

    await writeFile(file, good);
    const fixed = await eventually(async () =>
      (await list()).find((a) => a.name === 'qa_tester' && a.loadError === null),
    );
    expect(fixed.status).toBe('online');
    // Same content as before it broke: no new version.
    expect((await detail('qa_tester')).version).toBe(before.version);
  });

  it('should load an agent folder created on disk', async () => {
    const dir = path.join(agentsDir, 'operations', 'travel_planner');
    await mkdir(dir);
    await writeFile(path.join(dir, 'Context.md'), '# Travel Planner\n\n## Role\nYou plan business travel.\n');
    await writeFile(
      path.join(dir, 'agent.yaml'),
      'name: travel_planner\ntitle: Travel Planner\ndepartment: operations\ntype: context\nreportsTo: operations_manager_orchestrator\ndescription: Plans business travel.\ncapabilities: [travel_planning]\nrisk:\n  default: low\n',
    );
    const added = await eventually(async () =>
      (await list()).find((a) => a.name === 'travel_planner' && a.loadError === null),
    );
    expect(added).toMatchObject({ status: 'online', reportsTo: 'operations_manager_orchestrator' });
    expect((await detail('travel_planner')).version).toBe(1);
  });

  it('should not count its own saves as changes on disk', async () => {
    const base = await detail('data_engineer');
    const saved = await api(app.baseUrl, 'PUT', '/api/agents/data_engineer/context', {
      contextMd: `${base.contextMd}\nSaved in the app.\n`,
      baseVersion: base.version,
    });
    expect(saved.status).toBe(200);
    // Long enough for the watcher to see the write, debounce and reload.
    await new Promise((r) => setTimeout(r, WATCH_DEBOUNCE_MS * 4));
    const versions = (await api(app.baseUrl, 'GET', '/api/agents/data_engineer/versions')).body as AgentVersionPage;
    expect(versions.versions.map((v) => [v.version, v.authorType])).toEqual([
      [base.version + 1, 'user'],
      [base.version, 'system'],
    ]);
  });
});
