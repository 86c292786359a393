import { Inject, Injectable } from '@nestjs/common';
import { PlanSchema, type AutonomyLevel, type ProjectError, type ProjectStatus, type ProjectStep, type StepStatus } from '@orchestrator/contracts';
import type { ExecStep, ExecutionStore, LoadedRun, RunContext, StepOutcome, StepResultInput } from '@orchestrator/core';
import { withTransaction, type Pool } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import type { BlobStore } from './blob-store.js';
import { createBlobStore } from './supabase-blob-store.js';
import { PREVIEW_CHARS, STEP_COLUMNS, STEP_FROM, toStep, type StepRow } from './execution.rows.js';

/** Results larger than this go to blob storage; the row keeps a preview and the reference. */
export const INLINE_RESULT_MAX_BYTES = 256 * 1024;
const FINISHED: StepStatus[] = ['completed', 'skipped'];

/** The engine's ExecutionStore over Postgres, plus the read side of the project dashboard. */
@Injectable()
export class ExecutionRepository implements ExecutionStore {
  readonly blobs: BlobStore;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly publisher: RealtimePublisher,
  ) {
    this.blobs = createBlobStore(config);
  }

  async loadRun(ctx: RunContext): Promise<LoadedRun> {
    const { rows } = await this.pool.query<{ plan_json: unknown; approved_version: number | null; current_plan_version: number; status: ProjectStatus; autonomy_level: AutonomyLevel | null }>(
      'select plan_json, approved_version, current_plan_version, status, autonomy_level from projects where workspace_id = $1 and id = $2',
      [ctx.workspaceId, ctx.projectId],
    );
    const p = rows[0];
    if (!p) throw new AppError('project/not_found', `Project ${ctx.projectId} does not exist.`);
    const policies = await this.pool.query<{ department: string; level: AutonomyLevel }>('select department, level from autonomy_policies where workspace_id = $1', [ctx.workspaceId]);
    // A project-level override applies to every department of the project.
    const autonomy = p.autonomy_level ? {} : Object.fromEntries(policies.rows.map((r) => [r.department, r.level]));
    return { plan: PlanSchema.parse(p.plan_json), planVersion: p.approved_version ?? p.current_plan_version, status: p.status, autonomy, defaultAutonomy: p.autonomy_level ?? 'semi_autonomous' };
  }

  async initSteps(ctx: RunContext, steps: ExecStep[]): Promise<void> {
    await withTransaction(this.pool, async (db) => {
      for (const [position, s] of steps.entries()) {
        await db.query(
          `insert into project_steps (workspace_id, project_id, step_key, position, name, description, step_type, assigned_agent, assigned_human,
                                      human_collaboration_type, dependencies, risk_level, estimated_duration_minutes, config)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           on conflict (project_id, step_key) do nothing`,
          [ctx.workspaceId, ctx.projectId, s.key, position, s.step.name, s.step.description, s.step.type === 'subproject' ? 'standard' : s.step.type, s.step.assignedAgent, s.step.assignedHuman, s.step.collaboration, s.dependsOn, s.step.riskLevel, null, JSON.stringify({ parentKey: s.parentKey, department: s.step.department, capability: s.step.capability })],
        );
      }
    });
  }

  async setStepStatus(ctx: RunContext, stepKey: string, status: StepStatus, extra: { attempt?: number; agent?: string | null } = {}): Promise<void> {
    const { rows } = await this.pool.query<StepRow>(
      `with s as (
         update project_steps set status = $4,
           attempt = coalesce($5, attempt),
           assigned_agent = coalesce($6, assigned_agent),
           started_at = case when $4 in ('running', 'retrying') then coalesce(started_at, now()) else started_at end,
           completed_at = case when $4 in ('completed', 'skipped', 'failed', 'cancelled') then now() else null end
         where workspace_id = $1 and project_id = $2 and step_key = $3
         returning *)
       select ${STEP_COLUMNS} from s left join project_data_storage d on d.id = s.result_ref`,
      [ctx.workspaceId, ctx.projectId, stepKey, status, extra.attempt ?? null, extra.agent ?? null],
    );
    if (rows[0]) this.publisher.stepUpdated(ctx.workspaceId, ctx.projectId, toStep(rows[0]));
  }

  async finishedOutcome(ctx: RunContext, stepKey: string): Promise<StepOutcome | undefined> {
    const { rows } = await this.pool.query<{ status: StepStatus; assigned_agent: string | null; result_ref: string | null; result: { content?: string } | null; idempotency_key: string | null }>(
      'select status, assigned_agent, result_ref, result, idempotency_key from project_steps where workspace_id = $1 and project_id = $2 and step_key = $3',
      [ctx.workspaceId, ctx.projectId, stepKey],
    );
    const r = rows[0];
    if (!r || !FINISHED.includes(r.status)) return undefined;
    return { status: r.status === 'completed' ? 'completed' : 'skipped', agent: r.assigned_agent, resultRef: r.result_ref ?? r.idempotency_key, preview: r.result?.content?.slice(0, 200) ?? null };
  }

  async saveResult(ctx: RunContext, stepKey: string, result: StepResultInput, idempotencyKey: string): Promise<StepOutcome> {
    // Only the size: a second whole copy of a 100 MB result is never made (the blob store streams slices).
    const sizeBytes = Buffer.byteLength(result.content, 'utf8');
    // Content-addressed and idempotent: writing the blob before the transaction is safe to repeat.
    const blob = sizeBytes > INLINE_RESULT_MAX_BYTES ? await this.blobs.put(ctx.workspaceId, result.content) : null;
    const row = await withTransaction(this.pool, async (db) => {
      const existing = await db.query<StepRow & { result_ref: string | null }>(`select ${STEP_COLUMNS}, s.result_ref from ${STEP_FROM} where s.idempotency_key = $1`, [idempotencyKey]);
      if (existing.rows[0]) return { row: existing.rows[0], fresh: false };
      let ref: string | null = null;
      if (blob) {
        const stored = await db.query<{ id: string }>(
          `insert into project_data_storage (workspace_id, project_id, step_key, data_type, storage_backend, bucket, object_key, size_bytes, sha256, content_type)
           values ($1, $2, $3, 'step_result', $8, $9, $4, $5, $6, $7) returning id`,
          [ctx.workspaceId, ctx.projectId, stepKey, blob.key, blob.sizeBytes, blob.sha256, result.contentType, blob.backend, blob.bucket],
        );
        ref = stored.rows[0]!.id;
      }
      const inline = { content: blob ? result.content.slice(0, PREVIEW_CHARS) : result.content, contentType: result.contentType, work: result.work, truncated: !!blob };
      const { rows } = await db.query<StepRow & { result_ref: string | null }>(
        `with s as (
           update project_steps set status = 'completed', result = $4, result_ref = $5, idempotency_key = $6, assigned_agent = coalesce($7, assigned_agent), completed_at = now(), context_version = $8
            where workspace_id = $1 and project_id = $2 and step_key = $3 returning *)
         select ${STEP_COLUMNS}, s.result_ref from s left join project_data_storage d on d.id = s.result_ref`,
        [ctx.workspaceId, ctx.projectId, stepKey, JSON.stringify(inline), ref, idempotencyKey, result.agent === 'human' ? null : result.agent, result.contextVersion],
      );
      await db.query(
        `insert into audit_log (workspace_id, actor_type, actor, action, target_type, target_id, project_id, step_key, mode, approval_id, result, details)
         values ($1, $2, $3, 'step.execute', 'project_step', $4, $5, $4, $6, $7, 'success', $8)`,
        [ctx.workspaceId, result.agent === 'human' ? 'user' : 'agent', result.agent, stepKey, ctx.projectId, result.approvalId ? 'approved' : 'automatic', result.approvalId, JSON.stringify({ work: result.work, sizeBytes })],
      );
      await db.query(`update project_errors set resolved_at = now(), recovery_action = coalesce(recovery_action, 'retry') where project_id = $1 and step_key = $2 and resolved_at is null`, [ctx.projectId, stepKey]);
      return { row: rows[0]!, fresh: true };
    });
    if (row.fresh) this.publisher.stepUpdated(ctx.workspaceId, ctx.projectId, toStep(row.row));
    return { status: 'completed', agent: row.row.assigned_agent, resultRef: row.row.result_ref ?? idempotencyKey, preview: row.row.result?.content?.slice(0, 200) ?? null };
  }

  async recordError(ctx: RunContext, stepKey: string, e: { category: ProjectError['category']; severity: ProjectError['severity']; message: string; attempt: number }): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into project_errors (workspace_id, project_id, step_key, category, severity, message, attempt)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [ctx.workspaceId, ctx.projectId, stepKey, e.category, e.severity, e.message.slice(0, 4000), e.attempt],
    );
    return rows[0]!.id;
  }

  async priorResults(ctx: RunContext, stepKeys: string[]): Promise<Array<{ title: string; markdown?: string }>> {
    if (stepKeys.length === 0) return [];
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
