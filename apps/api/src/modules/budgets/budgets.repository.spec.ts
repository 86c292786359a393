import type { PutBudgetBody } from '@orchestrator/contracts';
import { afterFailure, evaluateBudgets, type CircuitRecord, type RunContext } from '@orchestrator/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { openSpecDatabase, type SpecDatabase } from '../../testing/spec-database.js';
import { UsageRepository } from './usage.repository.js';
import { budgetsOptionsFrom } from './budgets.options.js';
import { BudgetsRepository } from './budgets.repository.js';
import { GuardCache } from './guard-cache.js';

let spec: SpecDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  spec = await openSpecDatabase(8);
  pool = spec.pool;
});
afterAll(async () => {
  await spec?.close();
});

const MAX_AGE_MS = 1000;

type Query = (text: string, values?: unknown[]) => Promise<unknown>;

/** Forwards everything to `target` but its `query`, and binds methods (pg's pool and client use `this`). */
const withQuery = <T extends object>(target: T, query: Query, extra: Record<string | symbol, unknown> = {}): T =>
  new Proxy(target, {
    get(t, key) {
      if (key === 'query') return query;
      if (key in extra) return extra[key];
      const value = Reflect.get(t, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });

/**
 * A repository over a pool that counts (and can fail or slow down) its single-statement queries,
 * with a clock the test moves. Transactions (`updateCircuit`) go through `connect`: not counted.
 */
function setup(maxAgeMs = MAX_AGE_MS, start = new Date()) {
  const clock = { now: start };
  const queries: string[] = [];
  const failNext = { count: 0 };
  let hold: { match: (text: string) => boolean; arrived: () => void; released: Promise<void> } | undefined;
  /** The next matching statement runs at once, but its reply arrives late (after `release`). */
  const holdNext = (match: (text: string) => boolean) => {
    let arrived!: () => void;
    let release!: () => void;
    const hasArrived = new Promise<void>((r) => (arrived = r));
    hold = { match, arrived, released: new Promise<void>((r) => (release = r)) };
    return { arrived: hasArrived, release };
  };
  const run = (query: Query, text: string, values?: unknown[]) => {
    const held = hold?.match(text) ? hold : undefined;
    if (held) hold = undefined;
    const reply = query(text, values);
    return held ? reply.then(async (r) => (held.arrived(), await held.released, r)) : reply;
  };
  const counted = withQuery(
    pool,
    (text, values) => {
      queries.push(text);
      if (failNext.count > 0 && failNext.count--) return Promise.reject(new Error('connection lost'));
      return run((t, v) => pool.query(t, v), text, values);
    },
    {
      connect: async () => {
        const client = await pool.connect();
        return withQuery(client, (text, values) => run((t, v) => client.query(t, v), text, values));
      },
    },
  );
  const config = loadConfig({ LLM_PRICES: '{"gpt-test":{"input":1,"output":3}}' });
  const options = { ...budgetsOptionsFrom(config), cacheMaxAgeMs: maxAgeMs, now: () => clock.now };
  const cache = new GuardCache(options);
  const repo = new BudgetsRepository(counted, options, cache);
  const usage = new UsageRepository(counted, config, cache);
  /** Queries sent while `fn` ran. */
  const sent = async <T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> => {
    const before = queries.length;
    const result = await fn();
    return { result, queries: queries.length - before };
  };
  const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));
  return { repo, usage, advance, sent, failNext, holdNext };
}

let seq = 0;
/** A workspace of its own per test, with one project and agents in departments. */
async function workspace(
  agents: Record<string, string> = { recruiter: 'hr', writer: 'marketing' },
): Promise<RunContext> {
  seq += 1;
  const ws = (
    await pool.query<{ id: string }>(`insert into workspaces (slug, name) values ($1, $1) returning id`, [
      `guard-${seq}-${Date.now()}`,
    ])
  ).rows[0]!.id;
  const project = (
    await pool.query<{ id: string }>(`insert into projects (workspace_id, title) values ($1, 'Hiring') returning id`, [
      ws,
    ])
  ).rows[0]!.id;
  for (const [name, department] of Object.entries(agents)) {
    await pool.query(
      `insert into managed_agents (workspace_id, name, title, department, agent_type, source_path) values ($1, $2, $2, $3, 'context', $2)`,
      [ws, name, department],
    );
  }
  return { workspaceId: ws, projectId: project };
}

const budget = (b: Partial<PutBudgetBody> & Pick<PutBudgetBody, 'scope' | 'scopeRef'>): PutBudgetBody => ({
  period: 'total',
  tokenSoftLimit: null,
  tokenHardLimit: 1000,
  costSoftLimitUsd: null,
  costHardLimitUsd: null,
  enabled: true,
  ...b,
});

const target = (agent: string, department: string | null = null) => ({ agent, department, stepKey: 'screen' });

const spendSql = (ctx: RunContext, agent: string, tokens: number, at = 'now()') =>
  pool.query(
    `insert into llm_calls (workspace_id, project_id, agent_name, provider, model, total_tokens, created_at) values ($1, $2, $3, 'openai', 'gpt-test', $4, ${at})`,
    [ctx.workspaceId, ctx.projectId, agent, tokens],
  );

describe('BudgetsRepository guard cache', () => {
  it('should match budgets in memory as the guard SQL did, in project, department, agent order', async () => {
    const ctx = await workspace();
    const { repo } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter' }));
    await repo.put(ctx.workspaceId, null, budget({ scope: 'department', scopeRef: 'hr' }));
    await repo.put(ctx.workspaceId, null, budget({ scope: 'project', scopeRef: ctx.projectId }));
    await repo.put(ctx.workspaceId, null, budget({ scope: 'department', scopeRef: 'marketing', period: 'month' }));
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'writer', enabled: false }));
    const scopes = async (agent: string, department: string | null) =>
      (await repo.budgetsFor(ctx, target(agent, department))).map((b) => `${b.scope}:${b.scopeRef}`);

    // The agent's own department counts even when the step names none.
    expect(await scopes('recruiter', null)).toEqual([`project:${ctx.projectId}`, 'department:hr', 'agent:recruiter']);
    // A helper from another department: the step's department and the agent's own both count.
    expect(await scopes('writer', 'hr')).toEqual([`project:${ctx.projectId}`, 'department:hr', 'department:marketing']);
    expect(await scopes('stranger', null)).toEqual([`project:${ctx.projectId}`]);
    expect(
      await repo.budgetsFor({ ...ctx, projectId: '00000000-0000-4000-8000-000000000000' }, target('stranger')),
    ).toEqual([]);
  });

  it('should send no query for a second budgetsFor within the max age', async () => {
    const ctx = await workspace();
    const { repo, sent, advance } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter' }));
    const first = await sent(() => repo.budgetsFor(ctx, target('recruiter')));
    expect(first.queries).toBe(1);
    advance(MAX_AGE_MS - 1);
    const second = await sent(() => repo.budgetsFor(ctx, target('writer')));
    expect(second.queries).toBe(0);
    expect(second.result).toEqual([]);
    expect((await sent(() => repo.budgetsFor(ctx, target('recruiter')))).result).toEqual(first.result);
  });

  it('should share one query between 20 concurrent budgetsFor calls when nothing is cached', async () => {
    const ctx = await workspace();
    const { repo, sent } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'project', scopeRef: ctx.projectId }));
    const { result, queries } = await sent(() =>
      Promise.all(Array.from({ length: 20 }, () => repo.budgetsFor(ctx, target('recruiter')))),
    );
    expect(queries).toBe(1);
    expect(result.every((r) => r.length === 1 && r[0]!.scope === 'project')).toBe(true);
  });

  it('should see a put and a remove at once when the cache is fresh', async () => {
    const ctx = await workspace();
    const { repo } = setup();
    expect(await repo.budgetsFor(ctx, target('recruiter'))).toEqual([]);
    const id = await repo.put(
      ctx.workspaceId,
      null,
      budget({ scope: 'agent', scopeRef: 'recruiter', tokenHardLimit: 10 }),
    );
    expect(await repo.budgetsFor(ctx, target('recruiter'))).toMatchObject([{ id, tokenHardLimit: 10 }]);
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter', tokenHardLimit: 20 }));
    expect(await repo.budgetsFor(ctx, target('recruiter'))).toMatchObject([{ id, tokenHardLimit: 20 }]);
    await repo.remove(ctx.workspaceId, id, 'an admin');
    expect(await repo.budgetsFor(ctx, target('recruiter'))).toEqual([]);
  });

  it('should see spend recorded through UsageRepository at once when a budget counts it', async () => {
    const ctx = await workspace();
    const { repo, usage, sent } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'department', scopeRef: 'hr' }));
    expect((await repo.budgetsFor(ctx, target('recruiter')))[0]).toMatchObject({ tokensUsed: 0, costUsedUsd: 0 });
    await usage.record(
      { workspaceId: ctx.workspaceId, projectId: ctx.projectId, stepKey: 'screen' },
      {
        provider: 'openai',
        model: 'gpt-test',
        promptTokens: 1000,
        completionTokens: 1000,
        durationMs: 5,
        agentName: 'recruiter',
      },
    );
    const after = await sent(() => repo.budgetsFor(ctx, target('recruiter')));
    expect(after.queries).toBe(1);
    expect(after.result[0]).toMatchObject({ tokensUsed: 2000, costUsedUsd: 0.004 });

    // Spend no budget counts (another department's agent, outside any project) changes nothing.
    await usage.record(
      { workspaceId: ctx.workspaceId },
      {
        provider: 'openai',
        model: 'gpt-test',
        promptTokens: 10,
        completionTokens: 0,
        durationMs: 5,
        agentName: 'writer',
      },
    );
    expect((await sent(() => repo.budgetsFor(ctx, target('recruiter')))).queries).toBe(0);
  });

  it('should keep the cache when spend is recorded in a workspace without budgets', async () => {
    const ctx = await workspace();
    const { repo, usage, sent } = setup();
    expect((await sent(() => repo.budgetsFor(ctx, target('recruiter')))).queries).toBe(1);
    await usage.record(
      { workspaceId: ctx.workspaceId, projectId: ctx.projectId },
      {
        provider: 'openai',
        model: 'gpt-test',
        promptTokens: 10,
        completionTokens: 10,
        durationMs: 5,
        agentName: 'recruiter',
      },
    );
    expect((await sent(() => repo.budgetsFor(ctx, target('recruiter')))).queries).toBe(0);
  });

  it('should not keep a load that read before spend recorded while it was in flight', async () => {
    const ctx = await workspace();
    const { repo, usage, sent, holdNext } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter' }));
    const slow = holdNext((sql) => sql.includes('from budgets b'));
    const inFlight = repo.budgetsFor(ctx, target('recruiter'));
    await slow.arrived;
    await usage.record(
      { workspaceId: ctx.workspaceId, projectId: ctx.projectId },
      {
        provider: 'openai',
        model: 'gpt-test',
        promptTokens: 7,
        completionTokens: 0,
        durationMs: 5,
        agentName: 'recruiter',
      },
    );
    slow.release();
    expect((await inFlight)[0]!.tokensUsed).toBe(0);
    const after = await sent(() => repo.budgetsFor(ctx, target('recruiter')));
    expect(after.queries).toBe(1);
    expect(after.result[0]!.tokensUsed).toBe(7);
  });

  it('should see a change made directly in SQL only once the max age has passed', async () => {
    const ctx = await workspace();
    const { repo, advance } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter' }));
    expect((await repo.budgetsFor(ctx, target('recruiter')))[0]!.tokensUsed).toBe(0);
    // Another API process: its spend and its budget edit do not reach this process's cache.
    await spendSql(ctx, 'recruiter', 500);
    await pool.query(`update budgets set token_hard_limit = 400 where workspace_id = $1`, [ctx.workspaceId]);
    advance(MAX_AGE_MS - 1);
    expect((await repo.budgetsFor(ctx, target('recruiter')))[0]).toMatchObject({ tokensUsed: 0, tokenHardLimit: 1000 });
    advance(1);
    expect((await repo.budgetsFor(ctx, target('recruiter')))[0]).toMatchObject({
      tokensUsed: 500,
      tokenHardLimit: 400,
    });
  });

  it('should re-read when the budget period rolls over within the max age', async () => {
    const ctx = await workspace();
    const { repo, advance, sent } = setup(60_000, new Date('2031-03-10T23:59:59.990Z'));
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter', period: 'day' }));
    await spendSql(ctx, 'recruiter', 300, `'2031-03-10T12:00:00Z'`);
    expect((await repo.budgetsFor(ctx, target('recruiter')))[0]!.tokensUsed).toBe(300);
    advance(5);
    expect((await sent(() => repo.budgetsFor(ctx, target('recruiter')))).queries).toBe(0);
    advance(10);
    const nextDay = await sent(() => repo.budgetsFor(ctx, target('recruiter')));
    expect(nextDay.queries).toBe(1);
    expect(nextDay.result[0]!.tokensUsed).toBe(0);
  });

  it('should record a soft warning once and keep serving the warned budget from the cache', async () => {
    const ctx = await workspace();
    const { repo, sent } = setup();
    await repo.put(
      ctx.workspaceId,
      null,
      budget({ scope: 'project', scopeRef: ctx.projectId, tokenSoftLimit: 50, tokenHardLimit: 10_000 }),
    );
    await spendSql(ctx, 'recruiter', 60);
    const reads: number[] = [];
    const recorded: boolean[] = [];
    // What checkBeforeAgent does with budgets on three consecutive steps.
    for (let step = 0; step < 3; step++) {
      const { result, queries } = await sent(() => repo.budgetsFor(ctx, target('recruiter')));
      reads.push(queries);
      for (const soft of evaluateBudgets(result).soft)
        recorded.push(await repo.warnBudget(ctx, soft.budget, `step-${step}`, soft.message));
    }
    expect(recorded).toEqual([true, false, false]);
    // The new warning costs one fresh read; the warned budget is then served from the cache.
    expect(reads).toEqual([1, 1, 0]);
    const warnings = await pool.query(`select 1 from project_errors where project_id = $1 and category = 'budget'`, [
      ctx.projectId,
    ]);
    expect(warnings.rowCount).toBe(1);
  });

  it('should re-read after a hard stop is marked', async () => {
    const ctx = await workspace();
    const { repo, sent } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter', tokenHardLimit: 10 }));
    await spendSql(ctx, 'recruiter', 20);
    const hard = evaluateBudgets(await repo.budgetsFor(ctx, target('recruiter'))).hard!;
    await repo.markHardStop(ctx, hard.budget);
    expect((await sent(() => repo.budgetsFor(ctx, target('recruiter')))).queries).toBe(1);
  });

  it('should not keep a failed load', async () => {
    const ctx = await workspace();
    const { repo, failNext, sent } = setup();
    await repo.put(ctx.workspaceId, null, budget({ scope: 'agent', scopeRef: 'recruiter' }));
    failNext.count = 1;
    await expect(
      Promise.all([repo.budgetsFor(ctx, target('recruiter')), repo.budgetsFor(ctx, target('recruiter'))]),
    ).rejects.toThrow('connection lost');
    const retry = await sent(() => repo.budgetsFor(ctx, target('recruiter')));
    expect(retry.queries).toBe(1);
    expect(retry.result).toHaveLength(1);
  });

  it('should read every time when the max age is 0', async () => {
    const ctx = await workspace();
    const { repo, sent } = setup(0);
    await repo.budgetsFor(ctx, target('recruiter'));
    expect((await sent(() => repo.budgetsFor(ctx, target('recruiter')))).queries).toBe(1);
    expect((await sent(() => repo.circuit(ctx, 'recruiter'))).queries).toBe(1);
  });
});

describe('BudgetsRepository circuit cache', () => {
  const policy = { failureThreshold: 2, windowMs: 60_000, coolDownMs: 60_000 };

  it('should return the state updateCircuit committed without reading it back', async () => {
    const ctx = await workspace();
    const { repo, sent } = setup();
    expect((await sent(() => repo.circuit(ctx, 'recruiter'))).result).toBeNull();
    const now = new Date();
    for (let i = 0; i < 2; i++)
      await repo.updateCircuit(ctx, 'recruiter', (c) => afterFailure(c, now, policy), 'Request timed out');
    const after = await sent(() => repo.circuit(ctx, 'recruiter'));
    expect(after.queries).toBe(0);
    expect(after.result).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    expect((await sent(() => repo.circuit(ctx, 'writer'))).result).toBeNull();
  });

  it('should not keep a circuit load that read before an update committed while it was in flight', async () => {
    const ctx = await workspace();
    const { repo, holdNext } = setup();
    const slow = holdNext(
      (sql) => sql.includes('from agent_circuits where workspace_id = $1') && !sql.includes('for update'),
    );
    const inFlight = repo.circuit(ctx, 'recruiter');
    await slow.arrived;
    await repo.updateCircuit(ctx, 'recruiter', (c) => afterFailure(c, new Date(), policy), 'boom');
    slow.release();
    expect(await inFlight).toBeNull();
    expect(await repo.circuit(ctx, 'recruiter')).toMatchObject({ consecutiveFailures: 1 });
  });

  it('should re-read rather than keep the older record when overlapping updates finish out of commit order', async () => {
    const ctx = await workspace();
    const { repo, holdNext } = setup();
    await repo.circuit(ctx, 'recruiter');
    const fail = (c: CircuitRecord) => afterFailure(c, new Date(), { ...policy, failureThreshold: 100 });
    const lateReply = holdNext((sql) => sql === 'commit');
    const first = repo.updateCircuit(ctx, 'recruiter', fail, 'first');
    await lateReply.arrived;
    await repo.updateCircuit(ctx, 'recruiter', fail, 'second');
    lateReply.release();
    expect(await first).toMatchObject({ consecutiveFailures: 1 });
    expect(await repo.circuit(ctx, 'recruiter')).toMatchObject({ consecutiveFailures: 2 });
  });

  it('should see a reset at once and another process’s change after the max age', async () => {
    const ctx = await workspace();
    const { repo, advance } = setup();
    const now = new Date();
    for (let i = 0; i < 2; i++) await repo.updateCircuit(ctx, 'recruiter', (c) => afterFailure(c, now, policy), 'boom');
    expect(await repo.circuit(ctx, 'recruiter')).toMatchObject({ state: 'open' });
    await repo.resetCircuit(ctx.workspaceId, 'recruiter', 'an admin');
    expect(await repo.circuit(ctx, 'recruiter')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });

    await pool.query(
      `insert into agent_circuits (workspace_id, agent_name, state, consecutive_failures, opened_at) values ($1, 'writer', 'open', 9, now())`,
      [ctx.workspaceId],
    );
    expect(await repo.circuit(ctx, 'writer')).toBeNull();
    advance(MAX_AGE_MS);
    expect(await repo.circuit(ctx, 'writer')).toMatchObject({ state: 'open', consecutiveFailures: 9 });
  });
});
