import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  AgentDefinition,
  AgentDetail,
  AgentStatusChanged,
  AgentVersionConflict,
  AgentVersionPage,
  ProjectStep,
  RegistryReloaded,
} from '@orchestrator/contracts';
import {
  AgentDetailSchema,
  AgentMetricsListSchema,
  AgentVersionConflictSchema,
  AgentVersionPageSchema,
  CONTEXT_MD_MAX_BYTES,
} from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentLoadRepository } from '../src/modules/agents/agent-load.repository.js';
import { AgentWorkspaceService } from '../src/modules/agents/agent-workspace.service.js';
import {
  actingIn,
  api,
  connectSocket,
  copyOfAgents,
  SHIPPED_AGENTS,
  startApp,
  testDatabase,
  type TestApp,
} from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let agentsDir: string;
let socket: Socket;

beforeAll(async () => {
  db = await testDatabase();
  // Saves write files: always into a copy, never the repository's agents/.
  agentsDir = await copyOfAgents();
  app = await startApp(db.url, { AGENTS_DIR: agentsDir });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  socket = await connectSocket(app.baseUrl);
});
afterAll(async () => {
  socket?.close();
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const detail = async (name: string): Promise<AgentDetail> =>
  AgentDetailSchema.parse((await api(app.baseUrl, 'GET', `/api/agents/${name}`)).body);
const saveContext = (name: string, contextMd: string, baseVersion: number, message = '') =>
  api(app.baseUrl, 'PUT', `/api/agents/${name}/context`, { contextMd, baseVersion, message });
const fileOf = (sourcePath: string, file: string) => readFile(path.join(agentsDir, sourcePath, file), 'utf8');

/** Resolves with the first socket event of that name matching `predicate`. */
function nextEvent<T>(event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const handler = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

describe('agent detail', () => {
  it('should return the definition, Context.md and version 1 authored by the system when an agent was only loaded', async () => {
    const d = await detail('recruiter');
    expect(d).toMatchObject({
      name: 'recruiter',
      department: 'hr',
      version: 1,
      sourcePath: 'hr/recruiter',
      status: 'online',
      loadError: null,
    });
    expect(d.definition?.reportsTo).toBe('hr_manager_orchestrator');
    expect(d.contextMd).toBe(await fileOf('hr/recruiter', 'Context.md'));
    const page = AgentVersionPageSchema.parse((await api(app.baseUrl, 'GET', '/api/agents/recruiter/versions')).body);
    expect(page.versions).toEqual([
      expect.objectContaining({
        version: 1,
        authorType: 'system',
        author: 'system',
        message: 'Loaded from agents/',
        restoredFrom: null,
      }),
    ]);
  });

  it('should answer 404 agent/not_found when no such agent exists, and 400 for a malformed name', async () => {
    expect(await api(app.baseUrl, 'GET', '/api/agents/ghost_agent')).toMatchObject({
      status: 404,
      body: { error: { code: 'agent/not_found' } },
    });
    expect((await api(app.baseUrl, 'GET', '/api/agents/Not-A-Name')).status).toBe(400);
    expect((await api(app.baseUrl, 'GET', '/api/agents/ghost_agent/versions')).status).toBe(404);
  });
});

describe('saving Context.md', () => {
  it('should store a new version, write the file and list versions newest first when saved', async () => {
    const before = await detail('technical_writer');
    const text = `${before.contextMd}\n\n## House style\nUse sentence case.\n`;
    const res = await saveContext('technical_writer', text, before.version, 'House style');
    expect(res.status).toBe(200);
    const saved = AgentDetailSchema.parse(res.body);
    expect(saved.version).toBe(before.version + 1);
    expect(saved.contextMd).toBe(text);
    expect(await fileOf('engineering/technical_writer', 'Context.md')).toBe(text);
    // The yaml was not rewritten by a Context.md save.
    expect(await fileOf('engineering/technical_writer', 'agent.yaml')).toBe(
      await readFile(path.join(SHIPPED_AGENTS, 'engineering/technical_writer/agent.yaml'), 'utf8'),
    );
    const page = AgentVersionPageSchema.parse(
      (await api(app.baseUrl, 'GET', '/api/agents/technical_writer/versions?limit=1')).body,
    );
    expect(page.versions).toEqual([
      expect.objectContaining({
        version: saved.version,
        authorType: 'user',
        author: expect.any(String),
        message: 'House style',
      }),
    ]);
    expect(page.nextCursor).not.toBeNull();
    const older = AgentVersionPageSchema.parse(
      (await api(app.baseUrl, 'GET', `/api/agents/technical_writer/versions?limit=1&cursor=${page.nextCursor}`)).body,
    );
    expect(older.versions.map((v) => v.version)).toEqual([before.version]);
    expect(older.nextCursor).toBeNull();
    expect((await api(app.baseUrl, 'GET', '/api/agents/technical_writer/versions?cursor=bogus')).status).toBe(400);
  });

  it('should diff two versions and restore an old one as a new version when asked', async () => {
    const v1 = await detail('qa_tester');
    const edited = v1.contextMd.replace('## Role', '## Role\nAlways test the unhappy path first.');
    const v2 = AgentDetailSchema.parse((await saveContext('qa_tester', edited, v1.version, 'Unhappy path')).body);
    const diff = (await api(app.baseUrl, 'GET', `/api/agents/qa_tester/diff?from=${v1.version}&to=${v2.version}`)).body;
    expect(diff).toMatchObject({ from: v1.version, to: v2.version, definitionDiff: '' });
    expect(diff.contextDiff).toContain('+Always test the unhappy path first.');
    expect(diff.contextDiff).toContain('--- a/Context.md');
    const version1 = (await api(app.baseUrl, 'GET', `/api/agents/qa_tester/versions/${v1.version}`)).body;
    expect(version1.contextMd).toBe(v1.contextMd);

    const restored = await api(app.baseUrl, 'POST', '/api/agents/qa_tester/restore', {
      version: v1.version,
      baseVersion: v2.version,
    });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ version: v2.version + 1, contextMd: v1.contextMd });
    expect(await fileOf('engineering/qa_tester', 'Context.md')).toBe(v1.contextMd);
    const page = (await api(app.baseUrl, 'GET', '/api/agents/qa_tester/versions')).body as AgentVersionPage;
    expect(page.versions[0]).toMatchObject({
      version: v2.version + 1,
      restoredFrom: v1.version,
      message: `Restored version ${v1.version}`,
    });
    expect(page.versions).toHaveLength(3);
    expect((await api(app.baseUrl, 'GET', '/api/agents/qa_tester/versions/99')).body.error.code).toBe(
      'agent/version_not_found',
    );
  });

  it('should refuse a second save from the same base with 409 and the diff from that base to the current version', async () => {
    const base = await detail('code_reviewer');
    const first = await saveContext('code_reviewer', `${base.contextMd}\nFirst editor's line.\n`, base.version);
    expect(first.status).toBe(200);
    const second = await saveContext('code_reviewer', `${base.contextMd}\nSecond editor's line.\n`, base.version);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('agent/version_conflict');
    const details: AgentVersionConflict = AgentVersionConflictSchema.parse(second.body.error.details);
    expect(details).toMatchObject({ baseVersion: base.version, currentVersion: base.version + 1 });
    expect(details.current.contextMd).toContain("First editor's line.");
    expect(details.diff.contextDiff).toContain("+First editor's line.");
    // Nothing of the losing save reached the file or the history.
    expect(await fileOf('engineering/code_reviewer', 'Context.md')).not.toContain('Second editor');
    expect((await detail('code_reviewer')).version).toBe(base.version + 1);
  });

  it('should let exactly one of ten concurrent saves from the same base win', async () => {
    const base = await detail('devops_engineer');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        saveContext('devops_engineer', `${base.contextMd}\nEditor ${i}.\n`, base.version),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    const winner = results.find((r) => r.status === 200)!.body as AgentDetail;
    const after = await detail('devops_engineer');
    expect(after.version).toBe(base.version + 1);
    expect(after.contextMd).toBe(winner.contextMd);
    expect(await fileOf('engineering/devops_engineer', 'Context.md')).toBe(winner.contextMd);
    const { rows } = await pool.query('select count(*)::int as n from agent_versions where agent_name = $1', [
      'devops_engineer',
    ]);
    expect(rows[0].n).toBe(2);
  });

  it('should run the very next delegation with the saved context and record its version', async () => {
    const base = await detail('blog_post_writer');
    const marker = 'A limerick about the topic, signed by the blog team';
    const edited = base.contextMd.replace(/## Outputs\n[\s\S]*?\n## /, `## Outputs\n${marker}.\n\n## `);
    expect(edited).not.toBe(base.contextMd);
    const saved = AgentDetailSchema.parse((await saveContext('blog_post_writer', edited, base.version)).body);
    const conv = await api(app.baseUrl, 'POST', '/api/conversations', {});
    const res = await api(app.baseUrl, 'POST', `/api/conversations/${conv.body.id}/messages`, {
      content: 'Write a blog post about our new remote work policy',
    });
    expect(res.body.reply.metadata.delegation).toMatchObject({
      agent: 'blog_post_writer',
      contextVersion: saved.version,
    });
    expect(res.body.reply.content).toContain(marker);
    const { rows } = await pool.query('select context_version from delegation_history where conversation_id = $1', [
      conv.body.id,
    ]);
    expect(rows).toEqual([{ context_version: saved.version }]);
  });

  it('should answer 409 when the file was edited on disk after the editor loaded it, even before the watcher noticed', async () => {
    const base = await detail('process_optimizer');
    const onDisk = `${base.contextMd}\nEdited in a text editor.\n`;
    await writeFile(path.join(agentsDir, 'operations/process_optimizer/Context.md'), onDisk);
    const res = await saveContext('process_optimizer', `${base.contextMd}\nEdited in the app.\n`, base.version);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({
      baseVersion: base.version,
      currentVersion: base.version + 1,
      current: { authorType: 'system', message: 'Changed on disk' },
    });
    expect(res.body.error.details.diff.contextDiff).toContain('+Edited in a text editor.');
    expect(await fileOf('operations/process_optimizer', 'Context.md')).toBe(onDisk);
  });

  it('should rewrite a broken agent.yaml from the last valid version when Context.md is saved', async () => {
    const base = await detail('onboarding_specialist');
    const yamlFile = path.join(agentsDir, 'hr/onboarding_specialist/agent.yaml');
    await writeFile(yamlFile, 'name: onboarding_specialist\ntitle: [broken\n');
    const res = await saveContext(
      'onboarding_specialist',
      `${base.contextMd}\nWelcome pack first.\n`,
      base.version,
      'Welcome pack',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: base.version + 1, loadError: null, status: 'online' });
    expect(await readFile(yamlFile, 'utf8')).toContain('title: Onboarding Specialist');
    const page = (await api(app.baseUrl, 'GET', '/api/agents/onboarding_specialist/versions?limit=1'))
      .body as AgentVersionPage;
    expect(page.versions[0]!.message).toMatch(/^Welcome pack \(agent.yaml rewritten from the last valid version/);
  });

  it('should put the files back when the commit fails', async () => {
    const base = await detail('data_profiler');
    const original = await fileOf('engineering/data_profiler', 'Context.md');
    // A deferred constraint fails at COMMIT, after the files were written.
    await pool.query(`create or replace function test_fail_commit() returns trigger language plpgsql as $$
      begin if new.message = 'fail at commit' then raise exception 'refused at commit'; end if; return null; end $$`);
    await pool.query(
      `create constraint trigger test_fail_commit after insert on agent_versions deferrable initially deferred for each row execute function test_fail_commit()`,
    );
    try {
      const res = await saveContext(
        'data_profiler',
        `${base.contextMd}\nNever stored.\n`,
        base.version,
        'fail at commit',
      );
      expect(res.status).toBe(500);
    } finally {
      await pool.query('drop trigger test_fail_commit on agent_versions');
    }
    expect(await fileOf('engineering/data_profiler', 'Context.md')).toBe(original);
    expect((await detail('data_profiler')).version).toBe(base.version);
    expect((await saveContext('data_profiler', `${base.contextMd}\nStored.\n`, base.version)).status).toBe(200);
  });
});

describe('project steps', () => {
  it('should record the context version each agent step ran with', async () => {
    const conv = await api(app.baseUrl, 'POST', '/api/conversations', {});
    const reply = (
      await api(app.baseUrl, 'POST', `/api/conversations/${conv.body.id}/messages`, {
        content: 'Plan the hiring of a senior data engineer over the next two months',
      })
    ).body.reply;
    const { id, version } = reply.metadata.project as { id: string; version: number };
    expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version })).status).toBe(200);
    const done = await (async () => {
      // Generous: the whole suite shares two cores with browser-free API tests running in parallel.
      for (const end = Date.now() + 90_000; Date.now() < end;) {
        const steps = (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
        const finished = steps.filter((s) => s.status === 'completed' && s.assignedAgent);
        if (finished.length > 0) return finished;
        // Risky steps pause the run for a person: approve them, as an approver would.
        const pending = (await api(app.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${id}`)).body
          .approvals as Array<{ id: string }>;
        for (const a of pending)
          await api(app.baseUrl, 'POST', `/api/approvals/${a.id}/decision`, { decision: 'approve' });
        await new Promise((r) => setTimeout(r, 100));
      }
      const errors = (await api(app.baseUrl, 'GET', `/api/projects/${id}/errors`)).body;
      throw new Error(
        `no agent step completed; project ${(await api(app.baseUrl, 'GET', `/api/projects/${id}`)).body.status}, errors ${JSON.stringify(errors)}`,
      );
    })();
    for (const step of done) expect(step.contextVersion).toBe((await detail(step.assignedAgent!)).version);
    const { rows } = await pool.query(
      'select count(*)::int as n from project_steps where project_id = $1 and status = $2 and context_version is null and assigned_agent is not null',
      [id, 'completed'],
    );
    expect(rows[0].n).toBe(0);
    // Stop the run so it does not add tasks to the agents other tests measure.
    await api(app.baseUrl, 'POST', `/api/projects/${id}/abort`, { reason: 'test finished' });
  }, 120_000);
});

describe('hostile content', () => {
  it('should refuse NUL bytes (400 at the edge) and a Context.md over the byte limit (422) and leave the file alone', async () => {
    const base = await detail('market_researcher');
    const nul = await saveContext('market_researcher', '# Role\nhidden\u0000byte', base.version);
    expect(nul.status).toBe(400);
    expect(nul.body.error).toMatchObject({
      code: 'request/invalid',
      issues: [{ path: 'contextMd', message: expect.stringMatching(/U\+0000\) on line 2/) }],
    });
    const big = await saveContext('market_researcher', 'é'.repeat(CONTEXT_MD_MAX_BYTES / 2 + 10), base.version);
    expect(big.status).toBe(422);
    expect(big.body.error.message).toMatch(/the limit is 200000 bytes/);
    const tooLong = await saveContext('market_researcher', 'x'.repeat(CONTEXT_MD_MAX_BYTES + 1), base.version);
    expect(tooLong.status).toBe(400);
    expect(await fileOf('marketing/market_researcher', 'Context.md')).toBe(base.contextMd);
    expect((await detail('market_researcher')).version).toBe(base.version);
  });

  it('should keep script tags and front matter as text with warnings and never let front matter change the definition', async () => {
    const base = await detail('competitor_analyst');
    const text = `---\ntype: function\nreportsTo: null\nrisk:\n  default: critical\n---\n${base.contextMd}\n<script>alert(1)</script>\n[x](javascript:alert(1))\n`;
    const saved = AgentDetailSchema.parse((await saveContext('competitor_analyst', text, base.version)).body);
    expect(saved.contextMd).toBe(text);
    expect(saved.definition).toEqual(base.definition);
    expect(saved.contentWarnings).toEqual([
      expect.stringMatching(/<script> tag/),
      expect.stringMatching(/javascript: URL/),
      expect.stringMatching(/front matter/),
    ]);
  });
});

describe('saving the definition', () => {
  it('should write agent.yaml, update the hierarchy and refuse an unknown manager or a new name', async () => {
    const base = await detail('social_media_manager');
    const definition: AgentDefinition = {
      ...base.definition!,
      title: 'Social Media Lead',
      limits: { maxConcurrent: 3 },
    };
    const res = await api(app.baseUrl, 'PUT', '/api/agents/social_media_manager/definition', {
      definition,
      baseVersion: base.version,
      message: 'Promoted',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Social Media Lead', maxConcurrent: 3, version: base.version + 1 });
    expect(await fileOf('marketing/social_media_manager', 'agent.yaml')).toContain('title: Social Media Lead');
    const diff = (
      await api(app.baseUrl, 'GET', `/api/agents/social_media_manager/diff?from=${base.version}&to=${base.version + 1}`)
    ).body;
    expect(diff.definitionDiff).toContain('+title: Social Media Lead');
    expect(diff.contextDiff).toBe('');

    const ghost = await api(app.baseUrl, 'PUT', '/api/agents/social_media_manager/definition', {
      definition: { ...definition, reportsTo: 'ghost_boss' },
      baseVersion: base.version + 1,
      message: '',
    });
    expect(ghost.status).toBe(422);
    expect(ghost.body.error.message).toMatch(/"ghost_boss" is not a known, valid agent/);
    const cycle = await api(app.baseUrl, 'PUT', '/api/agents/marketing_manager_orchestrator/definition', {
      definition: {
        ...(await detail('marketing_manager_orchestrator')).definition!,
        reportsTo: 'social_media_manager',
      },
      baseVersion: (await detail('marketing_manager_orchestrator')).version,
    });
    expect(cycle.status).toBe(422);
    expect(cycle.body.error.message).toMatch(/cycle/);
    const renamed = await api(app.baseUrl, 'PUT', '/api/agents/social_media_manager/definition', {
      definition: { ...definition, name: 'social_lead' },
      baseVersion: base.version + 1,
    });
    expect(renamed.status).toBe(422);
    expect((await detail('social_media_manager')).definition?.reportsTo).toBe('marketing_manager_orchestrator');
  });
});

describe('deploying and live status (used by the agent builder)', () => {
  const draft = (name: string, reportsTo = 'operations_manager_orchestrator') => ({
    definition: {
      name,
      title: 'Meeting Scheduler',
      department: 'operations',
      type: 'context' as const,
      reportsTo,
      description: 'Schedules meetings across calendars.',
      capabilities: ['meeting_scheduling'],
      keywords: ['meeting', 'calendar'],
      risk: { default: 'low' as const, actions: {} },
      model: { provider: 'default' as const },
      limits: { maxConcurrent: 2 },
    },
    contextMd: '# Meeting Scheduler\n\n## Role\nYou schedule meetings.\n',
    moduleSource: null,
    inputSchemaSource: null,
  });

  it('should write the files, hot-load the agent as version 1 and emit registry.reloaded when deployed', async () => {
    const service = actingIn(await workspaceId(), app.app.get(AgentWorkspaceService));
    const reloaded = nextEvent<RegistryReloaded>('registry.reloaded', (e) =>
      e.agents.some((a) => a.name === 'meeting_scheduler'),
    );
    const created = await service.createAgent(
      await workspaceId(),
      draft('meeting_scheduler'),
      { type: 'agent', name: 'agent_builder' },
      'Built for scheduling',
    );
    expect(created).toMatchObject({
      name: 'meeting_scheduler',
      version: 1,
      status: 'online',
      reportsTo: 'operations_manager_orchestrator',
      maxConcurrent: 2,
    });
    await reloaded;
    expect(await fileOf('operations/meeting_scheduler', 'Context.md')).toBe(draft('meeting_scheduler').contextMd);
    expect(await fileOf('operations/meeting_scheduler', 'agent.yaml')).toContain('name: meeting_scheduler');
    const versions = (await api(app.baseUrl, 'GET', '/api/agents/meeting_scheduler/versions')).body as AgentVersionPage;
    expect(versions.versions).toEqual([
      expect.objectContaining({
        version: 1,
        authorType: 'agent',
        author: 'agent_builder',
        message: 'Built for scheduling',
      }),
    ]);
    const list = (await api(app.baseUrl, 'GET', '/api/agents')).body.agents as Array<{ name: string }>;
    expect(list.map((a) => a.name)).toContain('meeting_scheduler');
  });

  it('should refuse a taken name with 409 and an unknown manager with 422 when deploying', async () => {
    const ws = await workspaceId();
    const service = actingIn(ws, app.app.get(AgentWorkspaceService));
    await expect(
      service.createAgent(ws, draft('recruiter'), { type: 'agent', name: 'agent_builder' }, ''),
    ).rejects.toMatchObject({ code: 'agent/exists', status: 409 });
    await expect(
      service.createAgent(ws, draft('orphan_agent', 'ghost_boss'), { type: 'agent', name: 'agent_builder' }, ''),
    ).rejects.toMatchObject({ code: 'agent/invalid', status: 422 });
    const hostile = { ...draft('hostile_agent'), contextMd: '# X\n\u0007bell' };
    await expect(service.createAgent(ws, hostile, { type: 'agent', name: 'agent_builder' }, '')).rejects.toMatchObject({
      code: 'agent/invalid',
    });
    const fn = { ...draft('fn_agent'), definition: { ...draft('fn_agent').definition, type: 'function' as const } };
    await expect(service.createAgent(ws, fn, { type: 'agent', name: 'agent_builder' }, '')).rejects.toMatchObject({
      code: 'agent/invalid',
      message: expect.stringMatching(/module source/),
    });
    expect((await api(app.baseUrl, 'GET', '/api/agents/orphan_agent')).status).toBe(404);
  });

  it('should push agent.status_changed when the lifecycle or the load of an agent changes', async () => {
    const ws = await workspaceId();
    const service = actingIn(ws, app.app.get(AgentWorkspaceService));
    const loads = actingIn(ws, app.app.get(AgentLoadRepository));
    let event = nextEvent<AgentStatusChanged>('agent.status_changed', (e) => e.name === 'logistics_coordinator');
    await service.setLifecycle(ws, 'logistics_coordinator', 'being_improved');
    expect(await event).toMatchObject({ name: 'logistics_coordinator', status: 'being_improved' });
    expect((await detail('logistics_coordinator')).status).toBe('being_improved');
    // While its improvement waits for approval the agent keeps working, and keeps showing it.
    expect(await loads.acquire(ws, 'logistics_coordinator')).toBe(true);
    await loads.release(ws, 'logistics_coordinator');
    expect((await detail('logistics_coordinator')).status).toBe('being_improved');
    event = nextEvent<AgentStatusChanged>('agent.status_changed', (e) => e.name === 'logistics_coordinator');
    await service.setLifecycle(ws, 'logistics_coordinator', null);
    expect(await event).toMatchObject({ status: 'online', currentLoad: 0 });

    event = nextEvent<AgentStatusChanged>('agent.status_changed', (e) => e.name === 'logistics_coordinator');
    expect(await loads.acquire(ws, 'logistics_coordinator')).toBe(true);
    expect(await event).toMatchObject({ status: 'busy', currentLoad: 1 });
    event = nextEvent<AgentStatusChanged>('agent.status_changed', (e) => e.name === 'logistics_coordinator');
    await loads.release(ws, 'logistics_coordinator');
    expect(await event).toMatchObject({ status: 'online', currentLoad: 0 });

    const building = nextEvent<AgentStatusChanged>('agent.status_changed', (e) => e.name === 'not_yet_deployed');
    await service.setLifecycle(ws, 'not_yet_deployed', 'being_created');
    expect(await building).toMatchObject({ status: 'being_created' });
    await expect(service.setLifecycle(ws, 'not_yet_deployed', 'being_improved')).rejects.toMatchObject({
      code: 'agent/not_found',
    });
  });
});

describe('metrics', () => {
  it('should roll up tasks, outcomes, durations, ratings, tokens and cost of the last 30 days', async () => {
    const ws = await workspaceId();
    const insert = (outcome: string, duration: number, rating: number | null, ageDays = 0) =>
      pool.query(
        `insert into delegation_history (workspace_id, delegated_by, task, chosen_agent, outcome, duration_ms, rating, rated_at, created_at)
         values ($1, 'ceo_orchestrator', 't', 'vendor_manager', $2, $3, $4::smallint, case when $4::smallint is null then null else now() - make_interval(days => $5) end, now() - make_interval(days => $5))`,
        [ws, outcome, duration, rating, ageDays],
      );
    await insert('succeeded', 1000, 5);
    await insert('succeeded', 3000, 4);
    await insert('failed', 500, null);
    await insert('succeeded', 9999, 1, 45); // outside the window
    await pool.query(
      `insert into llm_calls (workspace_id, agent_name, provider, model, total_tokens, cost_usd) values ($1, 'vendor_manager', 'openai', 'm', 1200, 0.25), ($1, 'vendor_manager', 'openai', 'm', 300, 0.05)`,
      [ws],
    );
    const all = AgentMetricsListSchema.parse((await api(app.baseUrl, 'GET', '/api/agents/metrics')).body);
    const m = all.metrics.find((x) => x.name === 'vendor_manager');
    expect(m).toEqual({
      name: 'vendor_manager',
      tasks: 3,
      successes: 2,
      failures: 1,
      successRate: 2 / 3,
      avgDurationMs: 2000,
      ratings: 2,
      avgRating: 4.5,
      tokens: 1500,
      costUsd: 0.3,
    });
    expect(all.metrics.find((x) => x.name === 'it_support')).toMatchObject({
      tasks: 0,
      successRate: null,
      avgDurationMs: null,
      avgRating: null,
    });
    expect((await detail('vendor_manager')).metrics).toEqual(m);
  });
});

async function workspaceId(): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(`select id from workspaces where slug = 'default'`);
  return rows[0]!.id;
}
