import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  PlanSchema,
  type ProjectError,
  type ProjectStatus,
  type RecoveryAction,
  type ProjectStep,
  type StepStatus,
} from '@orchestrator/contracts';
import {
  joinResult,
  resultLength,
  resultPreview,
  type ExecStep,
  type ExecutionStore,
  type LoadedRun,
  type ResultText,
  type RunContext,
  type RunLimits,
  type StepOutcome,
  type StepResultInput,
} from '@orchestrator/core';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { isAppError } from '../../common/app-error.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { BUDGETS_OPTIONS, type BudgetsOptions } from '../budgets/budgets.options.js';
import { readText, type BlobStore } from './blobs/blob-store.js';
import { createBlobStore } from './blobs/supabase-blob-store.js';
import { CompletionApplier } from './bookkeeping/completion-applier.js';
import {
  COMPLETE_STEP,
  completionRow,
  insertStepsSql,
  insertStepsStatement,
  saveCompletionStatement,
  PREVIEW_CHARS,
  STEP_COLUMNS,
  STEP_FROM,
  toStep,
  type CompletedRow,
  type StepRow,
  type StepStart,
} from './execution.rows.js';
import { RunStates } from './runner/run-state.js';

/** Results larger than this go to blob storage; the row keeps a preview and the reference. */
export const INLINE_RESULT_MAX_BYTES = 256 * 1024;
/** The preview a step's outcome carries in the graph's state (its checkpoints) and the run's state. */
const OUTCOME_PREVIEW_CHARS = 200;

/**
 * The result as one string when it is small enough to be stored inline, else null. A text longer
 * than the limit in UTF-16 units is longer in UTF-8 bytes too, so a large result is never joined
 * or measured here.
 */
function inlineText(content: ResultText): string | null {
  if (resultLength(content) > INLINE_RESULT_MAX_BYTES) return null;
  const text = joinResult(content);
  return Buffer.byteLength(text, 'utf8') > INLINE_RESULT_MAX_BYTES ? null : text;
}
const FINISHED: StepStatus[] = ['completed', 'skipped'];
/**
 * A step's `running` status is written only once it has run this long: people watching see it
 * as live, and a step that finishes sooner writes its start with its completion instead of
 * spending a statement (and a commit) of its own on it.
 */
export const RUNNING_WRITE_DELAY_MS = 150;

type Queryable = Pick<PoolClient, 'query'>;
type RunPolicy = Pick<LoadedRun, 'autonomy' | 'defaultAutonomy'>;
type PriorResult = { title: string; markdown?: string };
/** `run`: the run that started the step (its start is dropped if that run ended, e.g. interrupted by a pause or cancel). */
type PendingStart = StepStart & { status: 'running' | 'retrying'; timer: NodeJS.Timeout; run: object | undefined };

/** Rolls back a transaction whose result was already saved under the same idempotency key. */
class SavedBefore extends Error {
  constructor(readonly row: CompletedRow) {
    super('step result saved before');
  }
}

/** The engine's ExecutionStore over Postgres, plus the read side of the project dashboard. */
@Injectable()
export class ExecutionRepository implements ExecutionStore, OnApplicationBootstrap, OnApplicationShutdown {
  readonly blobs: BlobStore;
  private readonly runs: RunStates;
  private readonly completions: CompletionApplier;
  /** Starts not written yet, by project/step (see setStepStatus). */
  private readonly starts = new Map<string, PendingStart>();
  /** `running`/`retrying` writes in flight, by project/step: the step's next write waits for them. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Step rows being inserted with a run's first checkpoint, by project: LangGraph starts the
   * first steps while that checkpoint is still being saved, so a write to a step row waits for it.
   */
  private readonly stepRows = new Map<string, Promise<void>>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly publisher: RealtimePublisher,
    @Inject(BUDGETS_OPTIONS) private readonly limits: Pick<BudgetsOptions, 'maxSteps' | 'maxLoops'>,
  ) {
    this.blobs = createBlobStore(config);
    this.completions = new CompletionApplier(pool, publisher);
    // A run reads its steps once every completion saved before it is applied.
    this.runs = new RunStates(pool, (ctx) => this.completions.flush(ctx.projectId));
  }

  /** Completions a process that died left unapplied. */
  async onApplicationBootstrap(): Promise<void> {
    await this.completions.flush();
  }

  /** After the runner stopped (its last runs save completions too), before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.completions.close();
  }

  /** Applies the completions saved for the project (or all), e.g. before its status changes. */
  flushCompletions(projectId?: string): Promise<void> {
    return this.completions.flush(projectId);
  }

  /** Opens the project's run: its state is read now, in one statement (see RunStates). */
  beginRun(ctx: RunContext): void {
    this.runs.begin(ctx);
  }

  endRun(ctx: RunContext): void {
    this.runs.end(ctx);
    if (this.runs.current(ctx)) return;
    this.stepRows.delete(ctx.projectId);
    // Starts left unwritten belong to steps the run interrupted (pause, cancel): they did not run on.
    for (const key of this.starts.keys()) if (key.startsWith(`${ctx.projectId}/`)) this.takeStart(key);
  }

  /** The project's status as its open run read it; undefined when the project does not exist. */
  async runStatus(ctx: RunContext): Promise<ProjectStatus | undefined> {
    try {
      return (await this.runs.get(ctx)).status;
    } catch (err) {
      if (isAppError(err) && err.code === 'project/not_found') return undefined;
      throw err;
    }
  }

  /** The approved plan, status and autonomy, from the run's state (read once per run). */
  async loadRun(ctx: RunContext): Promise<LoadedRun> {
    const run = await this.runs.get(ctx);
    return {
      plan: PlanSchema.parse(run.plan.json),
      planVersion: run.plan.version,
      status: run.status,
      ...run.policy,
    };
  }

  async loadPolicy(ctx: RunContext): Promise<RunPolicy> {
    return (await this.runs.get(ctx)).policy;
  }

  /** The run's limits (docs/operations.md#run-limits) and how many of its steps started, from the run's state. */
  async runLimits(ctx: RunContext, stepKey: string): Promise<RunLimits> {
    const run = await this.runs.get(ctx);
    let started = 0;
    for (const [key, step] of run.steps) if (step.started && key !== stepKey) started++;
    return {
      maxSteps: run.limits.maxSteps ?? this.limits.maxSteps,
      maxLoops: run.limits.maxLoops ?? this.limits.maxLoops,
      stepsStarted: started,
    };
  }

  /**
   * Every step row in one statement (a 100-step plan is one round trip, not a hundred); with a
   * commit (a run's first input), fused into the checkpoint that records the steps: no round trip
   * of its own, and the rows exist exactly when the thread has the steps.
   */
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
    const values = [ctx.workspaceId, ctx.projectId, JSON.stringify(rows)];
    this.runs.update(ctx, (run) => RunStates.addSteps(run, rows));
    if (ctx.commit) {
      // Not saved (the checkpoint failed): the run fails, and the next one inserts them again.
      const saved = ctx.commit.withStatement(insertStepsStatement(values)).then(
        () => undefined,
        () => this.runs.reload(ctx),
      );
      if (this.runs.current(ctx)) this.stepRows.set(ctx.projectId, saved);
      return;
    }
    await this.pool.query(insertStepsSql('$1', '$2', '$3'), values);
  }

  async setStepStatus(
    ctx: RunContext,
    stepKey: string,
    status: StepStatus,
    extra: { attempt?: number; agent?: string | null } = {},
  ): Promise<void> {
    const key = `${ctx.projectId}/${stepKey}`;
    if (status === 'running' || status === 'retrying') {
      // The agent starts at once; the status follows after RUNNING_WRITE_DELAY_MS (or with the step's next write).
      const earlier = this.takeStart(key);
      const timer = setTimeout(() => this.writeStart(ctx, stepKey), RUNNING_WRITE_DELAY_MS);
      const start: PendingStart = {
        status,
        attempt: extra.attempt ?? null,
        agent: extra.agent ?? null,
        at: earlier?.at ?? new Date(),
        timer,
        run: this.runs.current(ctx),
      };
      start.timer.unref();
      this.starts.set(key, start);
      this.runs.update(ctx, (run) => {
        const step = run.steps.get(stepKey);
        if (step) step.started = true;
      });
      return;
    }
    const start = await this.settled(ctx, stepKey);
    this.runs.update(ctx, (run) => {
      const step = run.steps.get(stepKey);
      if (step) step.status = status;
    });
    await this.writeStatus(ctx, stepKey, status, extra, start);
  }

  /** A start not written yet (its timer is cancelled: the caller writes it), or undefined. */
  private takeStart(key: string): PendingStart | undefined {
    const start = this.starts.get(key);
    if (!start) return undefined;
    clearTimeout(start.timer);
    this.starts.delete(key);
    return start;
  }

  private writeStart(ctx: RunContext, stepKey: string): void {
    const key = `${ctx.projectId}/${stepKey}`;
    const start = this.takeStart(key);
    if (!start || start.run !== this.runs.current(ctx)) return;
    // After an earlier start of the step that is still being written (a retry's), never before it.
    const before = this.inFlight.get(key)?.catch(() => undefined) ?? Promise.resolve();
    const tracked = before
      .then(() =>
        this.writeStatus(
          ctx,
          stepKey,
          start.status,
          { attempt: start.attempt ?? undefined, agent: start.agent },
          start,
        ),
      )
      .finally(() => {
        if (this.inFlight.get(key) === tracked) this.inFlight.delete(key);
      });
    tracked.catch(() => undefined);
    this.inFlight.set(key, tracked);
  }

  /**
   * Before a step's next write: its start, if not written yet (to be written with it), after any
   * start write in flight has landed (statuses keep their order; a failed write fails the step).
   */
  private async settled(ctx: RunContext, stepKey: string): Promise<StepStart | undefined> {
    const key = `${ctx.projectId}/${stepKey}`;
    const start = this.takeStart(key);
    await this.inFlight.get(key);
    return start;
  }

  private async writeStatus(
    ctx: RunContext,
    stepKey: string,
    status: StepStatus,
    extra: { attempt?: number; agent?: string | null },
    start?: StepStart,
  ): Promise<void> {
    await this.stepRows.get(ctx.projectId);
    const { rows } = await this.pool.query<StepRow>({
      // Named: parsed and planned once per connection (it runs for every step).
      name: 'execution_set_step_status',
      text: `with s as (
         update project_steps set status = $4,
           attempt = coalesce($5, attempt),
           assigned_agent = coalesce($6, assigned_agent),
           started_at = case when $4 in ('running', 'retrying') then coalesce(started_at, $7, now()) else coalesce(started_at, $7) end,
           completed_at = case when $4 in ('completed', 'skipped', 'failed', 'cancelled') then now() else null end
         where workspace_id = $1 and project_id = $2 and step_key = $3
           -- a start written late never reopens a step that ended meanwhile (completed, cancelled)
           and not ($4 in ('running', 'retrying') and status in ('completed', 'skipped', 'cancelled'))
         returning *)
       select ${STEP_COLUMNS} from s left join project_data_storage d on d.id = s.result_ref`,
      values: [
        ctx.workspaceId,
        ctx.projectId,
        stepKey,
        status,
        extra.attempt ?? start?.attempt ?? null,
        extra.agent ?? start?.agent ?? null,
        start?.at ?? null,
      ],
    });
    if (rows[0]) this.publisher.stepUpdated(ctx.workspaceId, ctx.projectId, toStep(rows[0]));
  }

  async finishedOutcome(ctx: RunContext, stepKey: string): Promise<StepOutcome | undefined> {
    const step = (await this.runs.get(ctx)).steps.get(stepKey);
    if (!step || !FINISHED.includes(step.status)) return undefined;
    return {
      status: step.status === 'completed' ? 'completed' : 'skipped',
      agent: step.agent,
      resultRef: step.resultRef ?? step.idempotencyKey,
      preview: step.preview,
    };
  }

  async saveResult(
    ctx: RunContext,
    stepKey: string,
    result: StepResultInput,
    idempotencyKey: string,
  ): Promise<StepOutcome> {
    const start = await this.settled(ctx, stepKey);
    const text = inlineText(result.content);
    // Content-addressed and idempotent: writing the blob before the transaction is safe to repeat.
    // The blob store serialises, hashes and measures the result in slices; nothing here reads it whole.
    const blob = text === null ? await this.blobs.put(ctx.workspaceId, result.content) : null;
    const sizeBytes = blob ? blob.sizeBytes : Buffer.byteLength(text!, 'utf8');
    const inline = {
      content: text ?? resultPreview(result.content, PREVIEW_CHARS),
      contentType: result.contentType,
      work: result.work,
      truncated: !!blob,
    };
    const complete = async (db: Queryable, ref: string | null) =>
      (
        await db.query<CompletedRow>(COMPLETE_STEP, [
          JSON.stringify([
            { ...completionRow(ctx, stepKey, result, idempotencyKey, inline, ref, sizeBytes, start), _entry: 0 },
          ]),
        ])
      ).rows[0];
    if (ctx.commit && !blob && result.agent !== 'human') {
      // Fused into the statement that saves the step's checkpoint (no round trip or commit of its
      // own): the task that produced it is never re-run once this is saved, so it happens once.
      // The event follows the commit.
      void ctx.commit
        .withStatement(
          saveCompletionStatement(completionRow(ctx, stepKey, result, idempotencyKey, inline, null, sizeBytes, start)),
        )
        .then(
          () => this.completions.saved(),
          // Dropped with the node's unsaved work: the node runs again and saves it again.
          () => this.runs.reload(ctx),
        );
      const outcome: StepOutcome = {
        status: 'completed',
        agent: result.agent,
        resultRef: idempotencyKey,
        preview: resultPreview(text!, OUTCOME_PREVIEW_CHARS),
      };
      this.completedInRun(ctx, stepKey, outcome, idempotencyKey, text!);
      return outcome;
    }
    await this.stepRows.get(ctx.projectId);
    const row = await withTransaction(this.pool, async (db) => {
      let ref: string | null = null;
      if (blob) {
        const stored = await db.query<{ id: string }>(
          `insert into project_data_storage (workspace_id, project_id, step_key, data_type, storage_backend, bucket, object_key, size_bytes, sha256, content_type)
           values ($1, $2, $3, 'step_result', $8, $9, $4, $5, $6, $7) returning id`,
          [
            ctx.workspaceId,
            ctx.projectId,
            stepKey,
            blob.key,
            blob.sizeBytes,
            blob.sha256,
            result.contentType,
            blob.backend,
            blob.bucket,
          ],
        );
        ref = stored.rows[0]!.id;
      }
      const fresh = await complete(db, ref);
      if (fresh) return { row: fresh, fresh: true };
      // Saved before under this key: the first outcome stands (the storage row above rolls back).
      const existing = await db.query<CompletedRow>(
        `select ${STEP_COLUMNS}, s.result_ref from ${STEP_FROM} where s.idempotency_key = $1`,
        [idempotencyKey],
      );
      throw new SavedBefore(existing.rows[0]!);
    }).catch((err: unknown) => {
      if (err instanceof SavedBefore) return { row: err.row, fresh: false };
      throw err;
    });
    if (row.fresh) this.publisher.stepUpdated(ctx.workspaceId, ctx.projectId, toStep(row.row));
    const outcome: StepOutcome = {
      status: 'completed',
      agent: row.row.assigned_agent,
      resultRef: row.row.result_ref ?? idempotencyKey,
      preview:
        row.row.result?.content === undefined ? null : resultPreview(row.row.result.content, OUTCOME_PREVIEW_CHARS),
    };
    this.completedInRun(
      ctx,
      stepKey,
      outcome,
      idempotencyKey,
      row.row.result_ref ? undefined : row.row.result?.content,
    );
    return outcome;
  }

  /** The run's state learns of a completion (and keeps the result for the steps that depend on it). */
  private completedInRun(
    ctx: RunContext,
    stepKey: string,
    outcome: StepOutcome,
    idempotencyKey: string,
    content: string | undefined,
  ): void {
    this.runs.update(ctx, (run) => {
      const step = run.steps.get(stepKey);
      if (!step) return;
      Object.assign(step, {
        status: 'completed',
        agent: outcome.agent,
        resultRef: outcome.resultRef === idempotencyKey ? null : outcome.resultRef,
        idempotencyKey,
        preview: outcome.preview,
        started: true,
      });
      if (content !== undefined) RunStates.keepResult(run, stepKey, content);
    });
  }

  async recordError(
    ctx: RunContext,
    stepKey: string,
    e: { category: ProjectError['category']; severity: ProjectError['severity']; message: string; attempt: number },
  ): Promise<string> {
    await this.inFlight.get(`${ctx.projectId}/${stepKey}`)?.catch(() => undefined); // the error being recorded matters more
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into project_errors (workspace_id, project_id, step_key, category, severity, message, attempt)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [ctx.workspaceId, ctx.projectId, stepKey, e.category, e.severity, e.message.slice(0, 4000), e.attempt],
    );
    return rows[0]!.id;
  }

  async priorResults(ctx: RunContext, stepKeys: string[]): Promise<PriorResult[]> {
    if (stepKeys.length === 0) return [];
    // Results completed in this run are at hand; only older (or uncached) ones are read.
    const run = await this.runs.get(ctx);
    const done = stepKeys
      .map((key) => ({ key, step: run.steps.get(key) }))
      .filter(({ step }) => step?.status === 'completed');
    const missing = done.filter(({ key }) => !run.results.has(key)).map(({ key }) => key);
    const read = new Map<string, string | undefined>();
    if (missing.length > 0) {
      const { rows } = await this.pool.query<{
        step_key: string;
        result: { content?: string } | null;
        object_key: string | null;
      }>(
        `select s.step_key, s.result, d.object_key from ${STEP_FROM}
          where s.workspace_id = $1 and s.project_id = $2 and s.step_key = any($3) and s.status = 'completed'`,
        [ctx.workspaceId, ctx.projectId, missing],
      );
      // A blob-stored result is read whole only now, for the step that uses it (the row holds a preview).
      for (const r of rows)
        read.set(r.step_key, r.object_key ? await readText(this.blobs.open(r.object_key)) : r.result?.content);
    }
    return done
      .sort((a, b) => a.step!.position - b.step!.position)
      .map(({ key, step }) => ({
        title: step!.name,
        markdown: run.results.has(key) ? run.results.get(key) : read.get(key),
      }));
  }

  async steps(workspaceId: string, projectId: string): Promise<ProjectStep[]> {
    const { rows } = await this.pool.query<StepRow>(
      `select ${STEP_COLUMNS} from ${STEP_FROM} where s.workspace_id = $1 and s.project_id = $2 order by s.position`,
      [workspaceId, projectId],
    );
    return rows.map(toStep);
  }

  /** The full result: inline text, or the blob to stream. */
  async result(
    workspaceId: string,
    projectId: string,
    stepKey: string,
  ): Promise<{ contentType: string; inline?: string; blobKey?: string; sizeBytes: number } | undefined> {
    const { rows } = await this.pool.query<{
      result: { content?: string; contentType?: string } | null;
      object_key: string | null;
      size_bytes: number | null;
      content_type: string | null;
    }>(
      `select s.result, d.object_key, d.size_bytes, d.content_type from ${STEP_FROM} where s.workspace_id = $1 and s.project_id = $2 and s.step_key = $3`,
      [workspaceId, projectId, stepKey],
    );
    const r = rows[0];
    if (!r?.result) return undefined;
    if (r.object_key)
      return { contentType: r.content_type ?? 'text/markdown', blobKey: r.object_key, sizeBytes: r.size_bytes ?? 0 };
    const inline = r.result.content ?? '';
    return { contentType: r.result.contentType ?? 'text/markdown', inline, sizeBytes: Buffer.byteLength(inline) };
  }

  /**
   * A person's answer to the step's latest failure still waiting for one, in the caller's
   * transaction; the run reads it when it resumes. False when the step has no such failure.
   */
  async recordRecovery(
    db: PoolClient,
    workspaceId: string,
    projectId: string,
    stepKey: string,
    answer: { action: RecoveryAction; agent: string | null; note: string | null; userId: string },
  ): Promise<boolean> {
    const { rowCount } = await db.query(
      `update project_errors set recovery_action = $4, details = details || $5::jsonb, resolved_by = $6
        where id = (select id from project_errors
                     where workspace_id = $1 and project_id = $2 and step_key = $3 and resolved_at is null
                     order by created_at desc limit 1)`,
      [
        workspaceId,
        projectId,
        stepKey,
        answer.action,
        JSON.stringify({ agent: answer.agent, note: answer.note }),
        answer.userId,
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  async errors(workspaceId: string, projectId: string): Promise<ProjectError[]> {
    const { rows } = await this.pool.query<{
      id: string;
      step_key: string | null;
      category: ProjectError['category'];
      severity: ProjectError['severity'];
      message: string;
      attempt: number;
      recovery_action: string | null;
      resolved_at: Date | null;
      created_at: Date;
    }>(
      `select id, step_key, category, severity, message, attempt, recovery_action, resolved_at, created_at from project_errors
        where workspace_id = $1 and project_id = $2 order by created_at desc limit 500`,
      [workspaceId, projectId],
    );
    return rows.map((r) => ({
      id: r.id,
      stepKey: r.step_key,
      category: r.category,
      severity: r.severity,
      message: r.message,
      attempt: r.attempt,
      recoveryAction: r.recovery_action,
      resolvedAt: r.resolved_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** A run stopped between batches (pause): steps it interrupted run again when it resumes. */
  async requeueInterrupted(workspaceId: string, projectId: string): Promise<void> {
    const steps = await this.endSteps(this.pool, workspaceId, projectId, 'pending', ['running', 'retrying']);
    for (const step of steps) this.publisher.stepUpdated(workspaceId, projectId, step);
  }

  /**
   * A stopped project: its steps that had not finished never will (shown as cancelled). In the
   * caller's transaction (the stop's); returns the cancelled steps, to announce after its commit.
   */
  cancelUnfinished(db: PoolClient, workspaceId: string, projectId: string): Promise<ProjectStep[]> {
    return this.endSteps(db, workspaceId, projectId, 'cancelled', [
      'pending',
      'running',
      'retrying',
      'pending_approval',
      'waiting_for_agent',
    ]);
  }

  private async endSteps(
    db: Pool | PoolClient,
    workspaceId: string,
    projectId: string,
    to: 'pending' | 'cancelled',
    from: StepStatus[],
  ): Promise<ProjectStep[]> {
    const { rows } = await db.query<StepRow>(
      `with s as (
         update project_steps set status = $3, completed_at = case when $3 = 'cancelled' then now() end
          where workspace_id = $1 and project_id = $2 and status = any($4)
          returning *)
       select ${STEP_COLUMNS} from s left join project_data_storage d on d.id = s.result_ref`,
      [workspaceId, projectId, to, from],
    );
    return rows.map(toStep);
  }
}
