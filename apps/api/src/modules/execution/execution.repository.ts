import { Inject, Injectable } from '@nestjs/common';
import { PlanSchema, type ProjectError, type ProjectStatus, type ProjectStep, type StepStatus } from '@orchestrator/contracts';
import type { ExecStep, ExecutionStore, LoadedRun, RunContext, StepOutcome, StepResultInput } from '@orchestrator/core';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import type { BlobStore } from './blob-store.js';
import { createBlobStore } from './supabase-blob-store.js';
import { COMPLETE_STEP, completedRowFromJson, completeStepParams, completeStepStatement, policyOf, PREVIEW_CHARS, STEP_COLUMNS, STEP_FROM, toStep, type CompletedRow, type PolicyRow, type StepRow } from './execution.rows.js';

/** Results larger than this go to blob storage; the row keeps a preview and the reference. */
export const INLINE_RESULT_MAX_BYTES = 256 * 1024;
const FINISHED: StepStatus[] = ['completed', 'skipped'];

type Queryable = Pick<PoolClient, 'query'>;
type RunPolicy = Pick<LoadedRun, 'autonomy' | 'defaultAutonomy'>;
type PriorResult = { title: string; markdown?: string };

const sameKeys = (a: string[], b: string[]) => a.length === b.length && a.every((k) => b.includes(k));

/** Rolls back a transaction whose result was already saved under the same idempotency key. */
class SavedBefore extends Error {
  constructor(readonly row: CompletedRow) {
    super('step result saved before');
  }
}

/** The engine's ExecutionStore over Postgres, plus the read side of the project dashboard. */
@Injectable()
export class ExecutionRepository implements ExecutionStore {
  readonly blobs: BlobStore;
  /**
   * What finishedOutcome read ahead for one step's context (a step starts with that read, then
   * asks for the autonomy and later for its dependencies' results): each is served once, so
   * neither costs a round trip of its own. Keyed by the context object of that node run.
   */
  /** `running`/`retrying` writes still in flight, by project/step (see setStepStatus). */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly readAhead = new WeakMap<RunContext, { policy?: RunPolicy; dependencies: string[]; prior?: PriorResult[] }>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly publisher: RealtimePublisher,
  ) {
    this.blobs = createBlobStore(config);
  }

  async loadRun(ctx: RunContext): Promise<LoadedRun> {
    const p = await this.runRow<{ plan_json: unknown; approved_version: number | null; current_plan_version: number; status: ProjectStatus }>(ctx, 'p.plan_json, p.approved_version, p.current_plan_version, p.status');
    return { plan: PlanSchema.parse(p.plan_json), planVersion: p.approved_version ?? p.current_plan_version, status: p.status, ...policyOf(p) };
  }

  async loadPolicy(ctx: RunContext): Promise<RunPolicy> {
    const read = this.readAhead.get(ctx);
    const policy = read?.policy;
    if (read && policy) {
      read.policy = undefined;
      return policy;
    }
    return policyOf(await this.runRow(ctx, ''));
  }

  /** The project row with its autonomy (override and department policies) in one round trip. */
  private async runRow<T extends object>(ctx: RunContext, columns: string): Promise<T & PolicyRow> {
    const { rows } = await this.pool.query<T & PolicyRow>(
      `select ${columns ? `${columns}, ` : ''}p.autonomy_level,
              (select json_object_agg(a.department, a.level) from autonomy_policies a where a.workspace_id = p.workspace_id) as policies
         from projects p where p.workspace_id = $1 and p.id = $2`,
      [ctx.workspaceId, ctx.projectId],
    );
    if (!rows[0]) throw new AppError('project/not_found', `Project ${ctx.projectId} does not exist.`);
    return rows[0];
  }

  /** Every step row in one statement (a 100-step plan is one round trip, not a hundred). */
  async initSteps(ctx: RunContext, steps: ExecStep[]): Promise<void> {
    const rows = steps.map((s, position) => ({
      step_key: s.key,
      position,
      name: s.step.name,
      description: s.step.description,
      step_type: s.step.type === 'subproject' ? 'standard' : s.step.type,
      assigned_agent: s.step.assignedAgent,
      assigned_human: s.step.assignedHuman,
      human_collaboration_type: s.step.collaboration,
      dependencies: s.dependsOn,
      risk_level: s.step.riskLevel,
      config: { parentKey: s.parentKey, department: s.step.department, capability: s.step.capability },
    }));
    await this.pool.query(
      `insert into project_steps (workspace_id, project_id, step_key, position, name, description, step_type, assigned_agent, assigned_human,
                                  human_collaboration_type, dependencies, risk_level, config)
       select $1, $2, r.step_key, r.position, r.name, r.description, r.step_type, r.assigned_agent, r.assigned_human,
              r.human_collaboration_type, r.dependencies, r.risk_level, r.config
         from jsonb_to_recordset($3::jsonb) as r(step_key text, position int, name text, description text, step_type text, assigned_agent text,
                                               assigned_human text, human_collaboration_type text, dependencies text[], risk_level text, config jsonb)
       order by r.position
       on conflict (project_id, step_key) do nothing`,
      [ctx.workspaceId, ctx.projectId, JSON.stringify(rows)],
    );
  }

  async setStepStatus(ctx: RunContext, stepKey: string, status: StepStatus, extra: { attempt?: number; agent?: string | null } = {}): Promise<void> {
    await this.settled(ctx, stepKey);
    const write = this.writeStatus(ctx, stepKey, status, extra);
    if (status !== 'running' && status !== 'retrying') return write;
    // The agent starts without waiting for this write (it is for people watching); the step's
    // next write waits for it, so statuses keep their order and a failure still fails the node.
    const key = `${ctx.projectId}/${stepKey}`;
    const tracked = write.finally(() => {
      if (this.inFlight.get(key) === tracked) this.inFlight.delete(key);
    });
    tracked.catch(() => undefined);
    this.inFlight.set(key, tracked);
  }

  /** Waits for a status write of the step still in flight (and fails with its error). */
  private async settled(ctx: RunContext, stepKey: string): Promise<void> {
    await this.inFlight.get(`${ctx.projectId}/${stepKey}`);
  }

  private async writeStatus(ctx: RunContext, stepKey: string, status: StepStatus, extra: { attempt?: number; agent?: string | null }): Promise<void> {
    const { rows } = await this.pool.query<StepRow>({
      // Named: parsed and planned once per connection (it runs for every step).
      name: 'execution_set_step_status',
      text: `with s as (
         update project_steps set status = $4,
           attempt = coalesce($5, attempt),
           assigned_agent = coalesce($6, assigned_agent),
           started_at = case when $4 in ('running', 'retrying') then coalesce(started_at, now()) else started_at end,
           completed_at = case when $4 in ('completed', 'skipped', 'failed', 'cancelled') then now() else null end
         where workspace_id = $1 and project_id = $2 and step_key = $3
         returning *)
       select ${STEP_COLUMNS} from s left join project_data_storage d on d.id = s.result_ref`,
      values: [ctx.workspaceId, ctx.projectId, stepKey, status, extra.attempt ?? null, extra.agent ?? null],
    });
    if (rows[0]) this.publisher.stepUpdated(ctx.workspaceId, ctx.projectId, toStep(rows[0]));
  }

  async finishedOutcome(ctx: RunContext, stepKey: string): Promise<StepOutcome | undefined> {
    // One round trip for what a step reads before it runs: its row, the project's autonomy (the
    // approval gate asks next) and the results of its dependencies (the agent gets them).
    const { rows } = await this.pool.query<
      PolicyRow & { status: StepStatus | null; assigned_agent: string | null; result_ref: string | null; result: { content?: string } | null; idempotency_key: string | null; dependencies: string[] | null; prior: PriorResult[] | null }
    >({
      name: 'execution_step_read',
      text: `select s.status, s.assigned_agent, s.result_ref, s.result, s.idempotency_key, s.dependencies, p.autonomy_level,
              (select json_object_agg(a.department, a.level) from autonomy_policies a where a.workspace_id = p.workspace_id) as policies,
              (select json_agg(json_build_object('title', d.name, 'markdown', d.result ->> 'content') order by d.position)
                 from project_steps d where d.project_id = p.id and d.step_key = any(s.dependencies) and d.status = 'completed') as prior
         from projects p left join project_steps s on s.project_id = p.id and s.step_key = $3
        where p.workspace_id = $1 and p.id = $2`,
      values: [ctx.workspaceId, ctx.projectId, stepKey],
    });
    const r = rows[0];
    if (r) this.readAhead.set(ctx, { policy: policyOf(r), dependencies: r.dependencies ?? [], prior: (r.prior ?? []).map((x) => ({ title: x.title, markdown: x.markdown ?? undefined })) });
    if (!r?.status || !FINISHED.includes(r.status)) return undefined;
    return { status: r.status === 'completed' ? 'completed' : 'skipped', agent: r.assigned_agent, resultRef: r.result_ref ?? r.idempotency_key, preview: r.result?.content?.slice(0, 200) ?? null };
  }

  async saveResult(ctx: RunContext, stepKey: string, result: StepResultInput, idempotencyKey: string): Promise<StepOutcome> {
    await this.settled(ctx, stepKey);
    // Only the size: a second whole copy of a 100 MB result is never made (the blob store streams slices).
    const sizeBytes = Buffer.byteLength(result.content, 'utf8');
    // Content-addressed and idempotent: writing the blob before the transaction is safe to repeat.
    const blob = sizeBytes > INLINE_RESULT_MAX_BYTES ? await this.blobs.put(ctx.workspaceId, result.content) : null;
    const inline = { content: blob ? result.content.slice(0, PREVIEW_CHARS) : result.content, contentType: result.contentType, work: result.work, truncated: !!blob };
    const complete = async (db: Queryable, ref: string | null) =>
      (await db.query<CompletedRow>(COMPLETE_STEP, completeStepParams(ctx, stepKey, result, idempotencyKey, JSON.stringify(inline), ref, sizeBytes))).rows[0];
    if (ctx.commit && !blob && result.agent !== 'human') {
      // Fused into the statement that saves the step's checkpoint (no round trip or commit of its
      // own): the task that produced it is never re-run once this is saved, so it happens once.
      // The event follows the commit.
      void ctx.commit.withStatement(completeStepStatement(completeStepParams(ctx, stepKey, result, idempotencyKey, JSON.stringify(inline), null, sizeBytes))).then(
        (rows) => rows[0] && this.publisher.stepUpdated(ctx.workspaceId, ctx.projectId, toStep(completedRowFromJson(rows[0]))),
        // Dropped with the node's unsaved work: the node runs again and saves it again.
        () => undefined,
      );
      return { status: 'completed', agent: result.agent, resultRef: idempotencyKey, preview: result.content.slice(0, 200) };
    }
    const row = await withTransaction(this.pool, async (db) => {
      let ref: string | null = null;
      if (blob) {
        const stored = await db.query<{ id: string }>(
          `insert into project_data_storage (workspace_id, project_id, step_key, data_type, storage_backend, bucket, object_key, size_bytes, sha256, content_type)
           values ($1, $2, $3, 'step_result', $8, $9, $4, $5, $6, $7) returning id`,
          [ctx.workspaceId, ctx.projectId, stepKey, blob.key, blob.sizeBytes, blob.sha256, result.contentType, blob.backend, blob.bucket],
        );
        ref = stored.rows[0]!.id;
      }
      const fresh = await complete(db, ref);
      if (fresh) return { row: fresh, fresh: true };
      // Saved before under this key: the first outcome stands (the storage row above rolls back).
      const existing = await db.query<CompletedRow>(`select ${STEP_COLUMNS}, s.result_ref from ${STEP_FROM} where s.idempotency_key = $1`, [idempotencyKey]);
      throw new SavedBefore(existing.rows[0]!);
    }).catch((err: unknown) => {
      if (err instanceof SavedBefore) return { row: err.row, fresh: false };
      throw err;
    });
    if (row.fresh) this.publisher.stepUpdated(ctx.workspaceId, ctx.projectId, toStep(row.row));
    return { status: 'completed', agent: row.row.assigned_agent, resultRef: row.row.result_ref ?? idempotencyKey, preview: row.row.result?.content?.slice(0, 200) ?? null };
  }

  async recordError(ctx: RunContext, stepKey: string, e: { category: ProjectError['category']; severity: ProjectError['severity']; message: string; attempt: number }): Promise<string> {
    await this.settled(ctx, stepKey).catch(() => undefined); // the error being recorded matters more
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into project_errors (workspace_id, project_id, step_key, category, severity, message, attempt)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [ctx.workspaceId, ctx.projectId, stepKey, e.category, e.severity, e.message.slice(0, 4000), e.attempt],
    );
    return rows[0]!.id;
  }

  async priorResults(ctx: RunContext, stepKeys: string[]): Promise<PriorResult[]> {
    if (stepKeys.length === 0) return [];
    const read = this.readAhead.get(ctx);
    if (read?.prior && sameKeys(read.dependencies, stepKeys)) {
      const prior = read.prior;
      read.prior = undefined;
      return prior;
    }
    const { rows } = await this.pool.query<{ name: string; result: { content?: string } | null }>(
      `select name, result from project_steps where workspace_id = $1 and project_id = $2 and step_key = any($3) and status = 'completed' order by position`,
      [ctx.workspaceId, ctx.projectId, stepKeys],
    );
    return rows.map((r) => ({ title: r.name, markdown: r.result?.content }));
  }

  async steps(workspaceId: string, projectId: string): Promise<ProjectStep[]> {
    const { rows } = await this.pool.query<StepRow>(`select ${STEP_COLUMNS} from ${STEP_FROM} where s.workspace_id = $1 and s.project_id = $2 order by s.position`, [workspaceId, projectId]);
    return rows.map(toStep);
  }

  /** The full result: inline text, or the blob to stream. */
  async result(workspaceId: string, projectId: string, stepKey: string): Promise<{ contentType: string; inline?: string; blobKey?: string; sizeBytes: number } | undefined> {
    const { rows } = await this.pool.query<{ result: { content?: string; contentType?: string } | null; object_key: string | null; size_bytes: number | null; content_type: string | null }>(
      `select s.result, d.object_key, d.size_bytes, d.content_type from ${STEP_FROM} where s.workspace_id = $1 and s.project_id = $2 and s.step_key = $3`,
      [workspaceId, projectId, stepKey],
    );
    const r = rows[0];
    if (!r?.result) return undefined;
    if (r.object_key) return { contentType: r.content_type ?? 'text/markdown', blobKey: r.object_key, sizeBytes: r.size_bytes ?? 0 };
    const inline = r.result.content ?? '';
    return { contentType: r.result.contentType ?? 'text/markdown', inline, sizeBytes: Buffer.byteLength(inline) };
  }

  async errors(workspaceId: string, projectId: string): Promise<ProjectError[]> {
    const { rows } = await this.pool.query<{ id: string; step_key: string | null; category: ProjectError['category']; severity: ProjectError['severity']; message: string; attempt: number; recovery_action: string | null; resolved_at: Date | null; created_at: Date }>(
      `select id, step_key, category, severity, message, attempt, recovery_action, resolved_at, created_at from project_errors
        where workspace_id = $1 and project_id = $2 order by created_at desc limit 500`,
      [workspaceId, projectId],
    );
    return rows.map((r) => ({ id: r.id, stepKey: r.step_key, category: r.category, severity: r.severity, message: r.message, attempt: r.attempt, recoveryAction: r.recovery_action, resolvedAt: r.resolved_at?.toISOString() ?? null, createdAt: r.created_at.toISOString() }));
  }

  /** After a rollback: steps not finished at the checkpoint run again. */
  async resetSteps(workspaceId: string, projectId: string, keepFinished: string[]): Promise<void> {
    await this.pool.query(
      `update project_steps set status = 'pending', result = null, result_ref = null, idempotency_key = null, started_at = null, completed_at = null, context_version = null
        where workspace_id = $1 and project_id = $2 and not (step_key = any($3))`,
      [workspaceId, projectId, keepFinished],
    );
  }
}
