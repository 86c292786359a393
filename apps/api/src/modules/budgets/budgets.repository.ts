import { Inject, Injectable } from '@nestjs/common';
import type { Budget, PutBudgetBody, RunLimitsBody } from '@orchestrator/contracts';
import {
  closedCircuit,
  type BudgetUsage,
  type CircuitRecord,
  type ExecutionGuardStore,
  type GuardTarget,
  type RunContext,
  type RunLimits,
} from '@orchestrator/core';
import { withTransaction, type Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';
import { auditInsert } from '../audit/audit.sql.js';
import { BUDGETS_OPTIONS, type BudgetsOptions } from './budgets.options.js';
import {
  BUDGET_WITH_USAGE,
  GUARD_BUDGETS,
  periodKey,
  periodParams,
  toBudget,
  toBudgetUsage,
  toCircuitRecord,
  type BudgetRow,
  type CircuitRow,
  type GuardBudgetRow,
} from './budgets.rows.js';
import { budgetApplies, GuardCache, type GuardBudget } from './guard-cache.js';

const CIRCUIT_COLUMNS = 'agent_name, state, consecutive_failures, last_failure_at, last_error, opened_at';

/**
 * The audit entry of a person's change, from `rows`: a select of (workspace, person, action,
 * target type, target id, project, details). An admin's change is one statement, so its entry
 * is a CTE of that statement.
 */
const personAudit = (rows: string): string =>
  auditInsert(
    [
      'workspace_id',
      'actor',
      'action',
      'target_type',
      'target_id',
      'project_id',
      'details',
      'actor_type',
      'mode',
      'result',
    ],
    `select w, a, act, tt, ti, p, d, 'user', 'manual', 'success' from (${rows}) as e(w, a, act, tt, ti, p, d)`,
  );

/**
 * Budgets, run limits and circuit breakers over Postgres: the engine's guard port and the API's
 * read side. The guard's budget and circuit reads come from GuardCache, which this class's writes
 * keep exact; the API's reads (`list`, `get`, `circuits`) always go to Postgres.
 */
@Injectable()
export class BudgetsRepository implements ExecutionGuardStore {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(BUDGETS_OPTIONS) private readonly options: BudgetsOptions,
    private readonly cache: GuardCache,
  ) {}

  async list(workspaceId: string): Promise<Budget[]> {
    const now = this.options.now();
    const { rows } = await this.pool.query<BudgetRow>(`${BUDGET_WITH_USAGE} order by b.scope, b.scope_ref, b.period`, [
      workspaceId,
      ...periodParams(now),
    ]);
    return rows.map((r) => toBudget(r, now));
  }

  async get(workspaceId: string, id: string): Promise<Budget | undefined> {
    const now = this.options.now();
    const { rows } = await this.pool.query<BudgetRow>(`${BUDGET_WITH_USAGE} and b.id = $5`, [
      workspaceId,
      ...periodParams(now),
      id,
    ]);
    return rows[0] && toBudget(rows[0], now);
  }

  /**
   * One budget per scope, scope ref and period: a second PUT replaces its limits and clears the
   * warning and stop marks. A person's change (`by`) is audited in the same statement.
   */
  async put(workspaceId: string, by: string | null, body: PutBudgetBody): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `with b as (
         insert into budgets (workspace_id, scope, scope_ref, period, token_soft_limit, token_hard_limit, cost_soft_limit_usd, cost_hard_limit_usd, enabled, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (workspace_id, scope, scope_ref, period) do update set
           token_soft_limit = excluded.token_soft_limit, token_hard_limit = excluded.token_hard_limit,
           cost_soft_limit_usd = excluded.cost_soft_limit_usd, cost_hard_limit_usd = excluded.cost_hard_limit_usd,
           enabled = excluded.enabled, soft_warned_at = null, hard_stopped_at = null, updated_at = now()
         returning id
       ), audited as (
         ${personAudit(`select $1::uuid, $11::text, 'budget.set', 'budget', b.id::text, null::uuid, $12::jsonb from b where $11 is not null`)}
       )
       select id from b`,
      [
        workspaceId,
        body.scope,
        body.scopeRef,
        body.period,
        body.tokenSoftLimit,
        body.tokenHardLimit,
        body.costSoftLimitUsd,
        body.costHardLimitUsd,
        body.enabled,
        by,
        // The person's id again, as the audit log's text actor.
        by,
        JSON.stringify(body),
      ],
    );
    this.cache.budgets.invalidate(workspaceId);
    return rows[0]!.id;
  }

  /** Whether the agent, project or department a budget names exists in the workspace. */
  async scopeExists(workspaceId: string, scope: PutBudgetBody['scope'], ref: string): Promise<boolean> {
    const sql = {
      agent: 'select 1 from managed_agents where workspace_id = $1 and name = $2',
      project: 'select 1 from projects where workspace_id = $1 and id::text = $2',
      department: 'select 1 from managed_agents where workspace_id = $1 and department = $2 limit 1',
    }[scope];
    return ((await this.pool.query(sql, [workspaceId, ref])).rowCount ?? 0) > 0;
  }

  /** Deletes a budget, audited as `by`'s in the same statement; false when there is none. */
  async remove(workspaceId: string, id: string, by: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ deleted: number }>(
      `with d as (
         delete from budgets where workspace_id = $1 and id = $2 returning id, scope, scope_ref, period
       ), audited as (
         ${personAudit(`select $1::uuid, $3::text, 'budget.delete', 'budget', d.id::text, null::uuid,
                               jsonb_build_object('scope', d.scope, 'scopeRef', d.scope_ref, 'period', d.period) from d`)}
       )
       select count(*)::int as deleted from d`,
      [workspaceId, id, by],
    );
    this.cache.budgets.invalidate(workspaceId);
    return rows[0]!.deleted > 0;
  }

  /**
   * The project's own run limits (`metadata.limits`); null clears one so that the default
   * applies. Audited as `by`'s in the same statement; false when the project does not exist.
   */
  async setRunLimits(workspaceId: string, projectId: string, limits: RunLimitsBody, by: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ updated: number }>(
      `with p as (
         update projects set metadata = jsonb_set(metadata, '{limits}', jsonb_strip_nulls(coalesce(metadata -> 'limits', '{}'::jsonb) || $3::jsonb)), updated_at = now()
          where workspace_id = $1 and id = $2 returning id
       ), audited as (
         ${personAudit(`select $1::uuid, $4::text, 'project.set_limits', 'project', p.id::text, p.id, $3::jsonb from p`)}
       )
       select count(*)::int as updated from p`,
      [workspaceId, projectId, JSON.stringify(limits), by],
    );
    return rows[0]!.updated > 0;
  }

  // ── ExecutionGuardStore ────────────────────────────────────────────────────────────────

  /** The run's budgets (project, department, agent), from the workspace's cached budgets. */
  async budgetsFor(ctx: RunContext, target: GuardTarget): Promise<BudgetUsage[]> {
    const periods = periodParams(this.options.now());
    const budgets = await this.cache.budgets.get(ctx.workspaceId, periodKey(periods), () =>
      this.guardBudgets(ctx.workspaceId, periods),
    );
    const subject = { projectId: ctx.projectId, agent: target.agent, department: target.department };
    return budgets.filter((b) => budgetApplies(b, subject)).map((b) => ({ ...b.usage }));
  }

  private async guardBudgets(workspaceId: string, periods: ReturnType<typeof periodParams>): Promise<GuardBudget[]> {
    const { rows } = await this.pool.query<GuardBudgetRow>(GUARD_BUDGETS, [workspaceId, ...periods]);
    return rows.map((r) => ({ usage: toBudgetUsage(r), members: new Set(r.members ?? []) }));
  }

  /** A soft warning is a resolved, low-severity `budget` entry in the project's errors: visible, never blocking. */
  async warnBudget(ctx: RunContext, budget: BudgetUsage, stepKey: string, message: string): Promise<boolean> {
    const [day, week, month] = periodParams(this.options.now());
    const since =
      budget.period === 'day' ? day : budget.period === 'week' ? week : budget.period === 'month' ? month : null;
    const { rows } = await this.pool.query<{ id: string }>(
      `with b as (
         update budgets set soft_warned_at = now()
          where workspace_id = $1 and id = $2 and (soft_warned_at is null or soft_warned_at < coalesce($3::timestamptz, '-infinity'))
          returning id)
       insert into project_errors (workspace_id, project_id, step_key, category, severity, message, details, recovery_action, resolved_at)
       select $1, $4, $5, 'budget', 'low', $6, $7, 'ignore', now() from b
       returning id`,
      [
        ctx.workspaceId,
        budget.id,
        since,
        ctx.projectId,
        stepKey,
        message,
        JSON.stringify({ budgetId: budget.id, scope: budget.scope, scopeRef: budget.scopeRef, level: 'soft' }),
      ],
    );
    // The cached usage carries no marks; a new warning (once per period) only means the workspace is
    // near a limit, worth one fresh read. An already warned budget keeps the cache: it is called every step.
    if (rows.length > 0) this.cache.budgets.invalidate(ctx.workspaceId);
    return rows.length > 0;
  }

  async markHardStop(ctx: RunContext, budget: BudgetUsage): Promise<void> {
    await this.pool.query(
      'update budgets set hard_stopped_at = coalesce(hard_stopped_at, now()) where workspace_id = $1 and id = $2',
      [ctx.workspaceId, budget.id],
    );
    // Work stops here; whatever runs next (a retry after the budget is raised) reads afresh.
    this.cache.budgets.invalidate(ctx.workspaceId);
  }

  async runLimits(ctx: RunContext, stepKey: string): Promise<RunLimits> {
    const { rows } = await this.pool.query<{ max_steps: number | null; max_loops: number | null; started: number }>(
      `select (p.metadata -> 'limits' ->> 'maxSteps')::int as max_steps, (p.metadata -> 'limits' ->> 'maxLoops')::int as max_loops,
              (select count(*)::int from project_steps s where s.project_id = p.id and s.started_at is not null and s.step_key <> $3) as started
         from projects p where p.workspace_id = $1 and p.id = $2`,
      [ctx.workspaceId, ctx.projectId, stepKey],
    );
    const r = rows[0];
    return {
      maxSteps: r?.max_steps ?? this.options.maxSteps,
      maxLoops: r?.max_loops ?? this.options.maxLoops,
      stepsStarted: r?.started ?? 0,
    };
  }

  async circuit(ctx: RunContext, agent: string): Promise<CircuitRecord | null> {
    const circuits = await this.cache.circuits.get(ctx.workspaceId, '', async () => {
      const { rows } = await this.pool.query<CircuitRow>(
        `select ${CIRCUIT_COLUMNS} from agent_circuits where workspace_id = $1`,
        [ctx.workspaceId],
      );
      return new Map(rows.map((r) => [r.agent_name, toCircuitRecord(r)]));
    });
    return circuits.get(agent) ?? null;
  }

  /** Locked read-modify-write; the committed record is written through to the cache. */
  async updateCircuit(
    ctx: RunContext,
    agent: string,
    next: (current: CircuitRecord) => CircuitRecord,
    lastError: string | null,
  ): Promise<CircuitRecord> {
    return this.cache.writeCircuit(ctx.workspaceId, agent, () => this.lockedCircuitUpdate(ctx, agent, next, lastError));
  }

  private lockedCircuitUpdate(
    ctx: RunContext,
    agent: string,
    next: (current: CircuitRecord) => CircuitRecord,
    lastError: string | null,
  ): Promise<CircuitRecord> {
    return withTransaction(this.pool, async (db) => {
      await db.query('insert into agent_circuits (workspace_id, agent_name) values ($1, $2) on conflict do nothing', [
        ctx.workspaceId,
        agent,
      ]);
      const { rows } = await db.query<CircuitRow>(
        `select ${CIRCUIT_COLUMNS} from agent_circuits where workspace_id = $1 and agent_name = $2 for update`,
        [ctx.workspaceId, agent],
      );
      const record = next(rows[0] ? toCircuitRecord(rows[0]) : closedCircuit());
      await db.query(
        `update agent_circuits set state = $3, consecutive_failures = $4, last_failure_at = $5, opened_at = $6, last_error = coalesce($7, last_error), updated_at = now()
          where workspace_id = $1 and agent_name = $2`,
        [
          ctx.workspaceId,
          agent,
          record.state,
          record.consecutiveFailures,
          record.lastFailureAt,
          record.openedAt,
          lastError,
        ],
      );
      return record;
    });
  }

  // ── Circuits, read side ────────────────────────────────────────────────────────────────

  async circuits(workspaceId: string): Promise<CircuitRow[]> {
    const { rows } = await this.pool.query<CircuitRow>(
      `select ${CIRCUIT_COLUMNS} from agent_circuits where workspace_id = $1 order by state <> 'closed' desc, updated_at desc`,
      [workspaceId],
    );
    return rows;
  }

  /** A person (`by`) closes a circuit by hand (the agent was fixed), audited in the same statement. */
  async resetCircuit(workspaceId: string, agent: string, by: string): Promise<CircuitRow | undefined> {
    const { rows } = await this.pool.query<CircuitRow>(
      `with c as (
         update agent_circuits set state = 'closed', consecutive_failures = 0, opened_at = null, updated_at = now()
          where workspace_id = $1 and agent_name = $2 returning ${CIRCUIT_COLUMNS}
       ), audited as (
         ${personAudit(`select $1::uuid, $3::text, 'circuit.reset', 'agent', c.agent_name, null::uuid, '{}'::jsonb from c`)}
       )
       select * from c`,
      [workspaceId, agent, by],
    );
    this.cache.circuits.invalidate(workspaceId);
    return rows[0];
  }
}
