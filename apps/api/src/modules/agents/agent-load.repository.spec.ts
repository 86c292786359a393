import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentStatusChanged } from '@orchestrator/contracts';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../../config/env.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { openSpecDatabase, type SpecDatabase } from '../../testing/spec-database.js';
import type { IdentityService } from '../identity/identity.service.js';
import { AgentLoadRepository, AVAILABILITY_MAX_AGE_MS, MIRROR_DELAY_MS } from './agent-load.repository.js';
import { AgentRegistryService } from './agent-registry.service.js';
import { AgentsRepository } from './agents.repository.js';

const SHIPPED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../agents');
const MIRROR_WRITE = /set current_load = \$3::int/;

let spec: SpecDatabase;
let pool: pg.Pool;
/** Loads sent by mirror writes, in the order they were sent. */
let writes: number[];
let inFlight = 0;
let maxInFlight = 0;
/** Runs before a mirror write is sent: a test delays or fails it here. */
let beforeWrite: ((load: number) => Promise<void>) | undefined;
let events: AgentStatusChanged[];
let loads: AgentLoadRepository;
let ws: string;

beforeAll(async () => {
  spec = await openSpecDatabase();
  pool = spec.pool;
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
  // Every query the repository sends passes here, so mirror writes can be counted, held or failed.
  pool.query = (async (text: string, values?: unknown[]) => {
    if (!MIRROR_WRITE.test(text)) return query(text, values);
    const load = values![2] as number;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await beforeWrite?.(load);
      writes.push(load);
      return await query(text, values);
    } finally {
      inFlight--;
    }
  }) as unknown as pg.Pool['query'];
});
afterAll(async () => {
  await spec?.close();
});

beforeEach(async () => {
  writes = [];
  maxInFlight = 0;
  beforeWrite = undefined;
  events = [];
  const { rows } = await pool.query<{ id: string }>(`insert into workspaces (slug, name) values ($1, 'Loads') returning id`, [`loads-${Math.random().toString(36).slice(2, 10)}`]);
  ws = rows[0]!.id;
  const publisher = new RealtimePublisher();
  publisher.agentStatusChanged = (_ws, event) => void events.push(event);
  loads = new AgentLoadRepository(pool, publisher);
});
afterEach(async () => {
  vi.useRealTimers();
  beforeWrite = undefined;
  await loads.flushed();
});

/** One agent row with its availability; `managed` is managed_agents.status. */
async function agent(name: string, availability: { status?: string; maxConcurrent?: number; load?: number; managed?: string } = {}): Promise<string> {
  await pool.query(`insert into managed_agents (workspace_id, name, title, department, agent_type, source_path, status) values ($1, $2, $2, 'operations', 'context', $2, $3)`, [ws, name, availability.managed ?? 'active']);
  await pool.query(`insert into agent_availability (workspace_id, agent_name, status, max_concurrent, current_load) values ($1, $2, $3, $4, $5)`, [
    ws,
    name,
    availability.status ?? 'online',
    availability.maxConcurrent ?? 1,
    availability.load ?? 0,
  ]);
  return name;
}

async function row(name: string): Promise<{ status: string; current_load: number }> {
  const { rows } = await pool.query<{ status: string; current_load: number }>('select status, current_load from agent_availability where workspace_id = $1 and agent_name = $2', [ws, name]);
  return rows[0]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('capacity in process', () => {
  it('should take slots until max_concurrent and refuse the next one when the agent is full', async () => {
    const a = await agent('scheduler', { maxConcurrent: 2 });
    expect(await loads.acquire(ws, a)).toBe(true);
    expect(await loads.acquire(ws, a)).toBe(true);
    expect(await loads.acquire(ws, a)).toBe(false);
    await loads.release(ws, a);
    expect(await loads.acquire(ws, a)).toBe(true);
    expect(await loads.acquire(ws, a)).toBe(false);
  });

  it('should take at most max_concurrent when many acquires race', async () => {
    const a = await agent('racer', { maxConcurrent: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, () => loads.acquire(ws, a)));
    expect(results.filter(Boolean)).toHaveLength(3);
  });

  it('should never count below zero when released more often than acquired', async () => {
    const a = await agent('over_released', { maxConcurrent: 1 });
    await loads.release(ws, a);
    expect(await loads.acquire(ws, a)).toBe(true);
    expect(await loads.acquire(ws, a)).toBe(false);
  });

  it('should refuse work when the agent is being created, offline, retired or unknown, and take it while being improved', async () => {
    const refusing = ['being_created', 'offline', 'retired'];
    for (const status of refusing) await agent(`agent_${status}`, { status, maxConcurrent: 5 });
    const improving = await agent('improving', { status: 'being_improved' });
    for (const status of refusing) expect(await loads.acquire(ws, `agent_${status}`)).toBe(false);
    expect(await loads.acquire(ws, 'nobody')).toBe(false);
    expect(await loads.acquire(ws, improving)).toBe(true);
  });

  it('should read the availability rows once when the first acquires of a workspace arrive together', async () => {
    await agent('first', { maxConcurrent: 5 });
    await agent('second', { maxConcurrent: 5 });
    const reads = vi.spyOn(pool, 'query');
    await Promise.all([loads.acquire(ws, 'first'), loads.acquire(ws, 'second'), loads.acquire(ws, 'first')]);
    await loads.acquire(ws, 'second');
    const selects = reads.mock.calls.filter(([text]) => typeof text === 'string' && text.startsWith('select agent_name, status, max_concurrent'));
    reads.mockRestore();
    expect(selects).toHaveLength(1);
  });
});

describe('the database mirror', () => {
  it('should write the count behind, push agent.status_changed, and converge to the final count', async () => {
    const a = await agent('mirrored', { maxConcurrent: 3 });
    expect(await loads.acquire(ws, a)).toBe(true);
    expect(await loads.acquire(ws, a)).toBe(true);
    // Nothing has waited for Postgres yet; the timer writes it shortly after.
    expect(await row(a)).toEqual({ status: 'online', current_load: 0 });
    await vi.waitFor(async () => expect(await row(a)).toEqual({ status: 'busy', current_load: 2 }), { timeout: 2_000, interval: 10 });
    expect(events).toEqual([{ name: a, status: 'busy', currentLoad: 2, maxConcurrent: 3 }]);
    await loads.release(ws, a);
    await loads.release(ws, a);
    await loads.flushed();
    expect(await row(a)).toEqual({ status: 'online', current_load: 0 });
    expect(events.at(-1)).toEqual({ name: a, status: 'online', currentLoad: 0, maxConcurrent: 3 });
  });

  it('should keep a lifecycle status while the count is mirrored', async () => {
    const a = await agent('kept_improving', { status: 'being_improved', maxConcurrent: 2 });
    await loads.acquire(ws, a);
    await loads.flushed();
    expect(await row(a)).toEqual({ status: 'being_improved', current_load: 1 });
    expect(events).toEqual([{ name: a, status: 'being_improved', currentLoad: 1, maxConcurrent: 2 }]);
  });

  it('should merge 50 acquire/release pairs into far fewer writes than 100 and end at the final count', async () => {
    const a = await agent('coalesced', { maxConcurrent: 1 });
    const started = performance.now();
    for (let i = 0; i < 50; i++) {
      expect(await loads.acquire(ws, a)).toBe(true);
      await sleep(1);
      await loads.release(ws, a);
      await sleep(1);
    }
    expect(await loads.acquire(ws, a)).toBe(true);
    const elapsed = performance.now() - started;
    await loads.flushed();
    // At most one write per window (plus the flush), not one per change.
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(elapsed / MIRROR_DELAY_MS) + 1);
    expect(writes.length).toBeLessThan(50);
    expect(await row(a)).toEqual({ status: 'busy', current_load: 1 });
    expect(events.at(-1)).toMatchObject({ status: 'busy', currentLoad: 1 });
  });

  it('should send nothing when a task starts and ends within one window', async () => {
    const a = await agent('quick', { maxConcurrent: 1 });
    await loads.acquire(ws, a);
    await loads.flushed();
    const before = writes.length;
    await loads.release(ws, a);
    await loads.acquire(ws, a);
    await sleep(MIRROR_DELAY_MS * 3);
    await loads.flushed();
    expect(writes.length).toBe(before);
  });

  it('should send one write at a time per agent so an older count never lands after a newer one', async () => {
    const a = await agent('ordered', { maxConcurrent: 3 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The first write (load 1) is slow to reach Postgres; newer counts must wait behind it.
    beforeWrite = (load) => (load === 1 && writes.length === 0 ? held : Promise.resolve());
    await loads.acquire(ws, a);
    await vi.waitFor(() => expect(inFlight).toBe(1), { timeout: 2_000, interval: 5 });
    await loads.acquire(ws, a);
    await loads.acquire(ws, a);
    const flushing = loads.flushed();
    await sleep(MIRROR_DELAY_MS * 2);
    expect(maxInFlight).toBe(1);
    release();
    await flushing;
    expect(writes).toEqual([1, 3]);
    expect(maxInFlight).toBe(1);
    expect(await row(a)).toEqual({ status: 'busy', current_load: 3 });
  });

  it('should log a failed write, never throw into acquire/release, and retry on the next change', async () => {
    const a = await agent('flaky', { maxConcurrent: 3 });
    let failures = 0;
    beforeWrite = async () => {
      if (failures++ === 0) throw new Error('connection reset');
    };
    expect(await loads.acquire(ws, a)).toBe(true);
    await loads.flushed();
    expect(await row(a)).toEqual({ status: 'online', current_load: 0 });
    expect(await loads.acquire(ws, a)).toBe(true);
    await loads.flushed();
    expect(await row(a)).toEqual({ status: 'busy', current_load: 2 });
  });
});

describe('snapshot', () => {
  it('should overlay this process counts on the rows', async () => {
    // A stale row (e.g. left by another process) does not count: this process's tasks do.
    const a = await agent('overlaid', { maxConcurrent: 4, load: 3, status: 'busy' });
    const idle = await agent('idle_stale', { maxConcurrent: 2, load: 2, status: 'busy' });
    const improving = await agent('improving_snap', { status: 'being_improved', maxConcurrent: 2 });
    await loads.acquire(ws, a);
    await loads.acquire(ws, improving);
    const snap = await loads.snapshot(ws);
    expect(snap.get(a)).toEqual({ status: 'busy', load: 1, maxConcurrent: 4 });
    expect(snap.get(idle)).toEqual({ status: 'online', load: 0, maxConcurrent: 2 });
    expect(snap.get(improving)).toEqual({ status: 'being_improved', load: 1, maxConcurrent: 2 });
  });
});

describe('availability cache', () => {
  it('should see a lifecycle change at once and set the load-based status from this process count', async () => {
    const a = await agent('lifecycled', { maxConcurrent: 2 });
    expect(await loads.acquire(ws, a)).toBe(true);
    await loads.setLifecycle(ws, a, 'being_created');
    expect(await loads.acquire(ws, a)).toBe(false);
    const back = await loads.setLifecycle(ws, a, null);
    // The row never saw the acquire yet (no flush): the status comes from the count in process.
    expect(back).toEqual({ name: a, status: 'busy', currentLoad: 1, maxConcurrent: 2 });
    expect(await row(a)).toEqual({ status: 'busy', current_load: 1 });
    expect(await loads.acquire(ws, a)).toBe(true);
  });

  it('should keep an invalid agent offline when its lifecycle ends', async () => {
    const a = await agent('broken', { status: 'offline', managed: 'invalid' });
    expect(await loads.setLifecycle(ws, a, null)).toMatchObject({ status: 'offline' });
    expect(await loads.acquire(ws, a)).toBe(false);
  });

  it('should read the rows again after the max age when another process changed them', async () => {
    const a = await agent('elsewhere', { maxConcurrent: 5 });
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await loads.acquire(ws, a)).toBe(true);
    await pool.query(`update agent_availability set status = 'offline' where workspace_id = $1 and agent_name = $2`, [ws, a]);
    expect(await loads.acquire(ws, a)).toBe(true);
    vi.setSystemTime(Date.now() + AVAILABILITY_MAX_AGE_MS + 1);
    expect(await loads.acquire(ws, a)).toBe(false);
  });

  it('should clear the counts and the rows when reset at start-up', async () => {
    const a = await agent('reset_me', { maxConcurrent: 2 });
    await loads.acquire(ws, a);
    await loads.acquire(ws, a);
    await loads.flushed();
    expect(await row(a)).toEqual({ status: 'busy', current_load: 2 });
    await loads.resetAll(ws);
    expect(await row(a)).toEqual({ status: 'online', current_load: 0 });
    expect(await loads.acquire(ws, a)).toBe(true);
    expect(await loads.acquire(ws, a)).toBe(true);
  });

  it('should end a being_improved left without an open improvement when reset at start-up, and keep one that is open', async () => {
    const stale = await agent('stale_improved', { status: 'being_improved' });
    const waiting = await agent('waiting_improved', { status: 'being_improved' });
    const decided = await agent('decided_improved', { status: 'being_improved' });
    const improvement = (name: string, status: string) =>
      pool.query(`insert into agent_improvements (workspace_id, agent_name, trigger_type, status) values ($1, $2, 'manual', $3)`, [ws, name, status]);
    await improvement(waiting, 'pending_approval');
    await improvement(decided, 'rejected');
    await loads.resetAll(ws);
    expect(await row(stale)).toEqual({ status: 'online', current_load: 0 });
    expect(await row(waiting)).toEqual({ status: 'being_improved', current_load: 0 });
    expect(await row(decided)).toEqual({ status: 'online', current_load: 0 });
  });
});

describe('registry sync', () => {
  let agentsDir: string;
  beforeEach(async () => {
    agentsDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'orch-loads-')), 'agents');
    await cp(SHIPPED, agentsDir, { recursive: true });
  });
  afterEach(async () => rm(path.dirname(agentsDir), { recursive: true, force: true }));

  it('should see a changed max_concurrent and a retired agent right after a reload', async () => {
    const registry = new AgentRegistryService({ agentsDir } as AppConfig, new AgentsRepository(pool), { defaultIdentity: () => ({ workspaceId: ws }) } as unknown as IdentityService, loads, new RealtimePublisher());
    await registry.reloadNow();
    const yaml = path.join(agentsDir, 'hr/recruiter/agent.yaml');
    const max = Number(/maxConcurrent: (\d+)/.exec(await readFile(yaml, 'utf8'))![1]);
    for (let i = 0; i < max; i++) expect(await loads.acquire(ws, 'recruiter')).toBe(true);
    expect(await loads.acquire(ws, 'recruiter')).toBe(false);

    await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(/maxConcurrent: \d+/, `maxConcurrent: ${max + 1}`));
    await registry.reloadNow();
    expect(await loads.acquire(ws, 'recruiter')).toBe(true);

    await rm(path.join(agentsDir, 'hr/policy_advisor'), { recursive: true });
    expect(await loads.acquire(ws, 'policy_advisor')).toBe(true);
    await loads.release(ws, 'policy_advisor');
    await registry.reloadNow();
    expect(await loads.acquire(ws, 'policy_advisor')).toBe(false);
  });
});
