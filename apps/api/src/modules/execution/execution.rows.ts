import type { AutonomyLevel, ProjectStep, StepStatus } from '@orchestrator/contracts';
import type { RunContext, StepResultInput } from '@orchestrator/core';

export interface StepRow {
  step_key: string;
  name: string;
  step_type: ProjectStep['type'];
  status: StepStatus;
  assigned_agent: string | null;
  assigned_human: string | null;
  human_collaboration_type: ProjectStep['collaboration'];
  risk_level: ProjectStep['riskLevel'];
  dependencies: string[];
  attempt: number;
  config: { parentKey?: string | null; department?: string | null };
  result: { content?: string; contentType?: string; work?: string } | null;
  size_bytes: number | null;
  started_at: Date | null;
  completed_at: Date | null;
  context_version: number | null;
}

export const STEP_COLUMNS = `s.step_key, s.name, s.step_type, s.status, s.assigned_agent, s.assigned_human, s.human_collaboration_type,
  s.risk_level, s.dependencies, s.attempt, s.config, s.result, d.size_bytes, s.started_at, s.completed_at, s.context_version`;

export const STEP_FROM = `project_steps s left join project_data_storage d on d.id = s.result_ref`;

/** Results up to this size are previewed in lists; the full result is fetched on demand. */
export const PREVIEW_CHARS = 2000;

export function toStep(r: StepRow): ProjectStep {
  const content = r.result?.content ?? null;
  return {
    stepKey: r.step_key,
    parentKey: r.config.parentKey ?? null,
    name: r.name,
    type: r.step_type,
    status: r.status,
    department: r.config.department ?? null,
    assignedAgent: r.assigned_agent,
    assignedHuman: r.assigned_human,
    collaboration: r.human_collaboration_type,
    riskLevel: r.risk_level,
    dependencies: r.dependencies,
    attempt: r.attempt,
    resultPreview: content === null ? null : content.slice(0, PREVIEW_CHARS),
    resultSizeBytes: r.size_bytes ?? (content === null ? null : Buffer.byteLength(content)),
    startedAt: r.started_at?.toISOString() ?? null,
    completedAt: r.completed_at?.toISOString() ?? null,
    contextVersion: r.context_version,
  };
}

export type CompletedRow = StepRow & { result_ref: string | null };

/** A project's autonomy override and its workspace's department policies. */
export interface PolicyRow {
  autonomy_level: AutonomyLevel | null;
  policies: Record<string, AutonomyLevel> | null;
}

/** A project-level override applies to every department of the project. */
export const policyOf = (r: PolicyRow) => ({ autonomy: r.autonomy_level ? {} : (r.policies ?? {}), defaultAutonomy: r.autonomy_level ?? ('semi_autonomous' as const) });

type Ctes = Array<{ name: string; sql: string }>;

/** A step's start that was not written on its own (see RUNNING_WRITE_DELAY_MS): its next write carries it. */
export interface StepStart {
  at: Date;
  attempt: number | null;
  agent: string | null;
}

/**
 * Completes a step, audits its execution and resolves its open errors, only if the step was not
 * already completed under this idempotency key (then it returns no row and writes nothing), as
 * data-modifying CTEs: one statement of its own (COMPLETE_STEP), or fused into the checkpoint's
 * statement (completeStepStatement). `p(i)` is the placeholder of parameter i (completeStepParams).
 */
function completeStepCtes(p: (i: number) => string, n: (local: string) => string): Ctes {
  return [
    {
      name: 's',
      sql: `update project_steps set status = 'completed', result = ${p(4)}, result_ref = ${p(5)}, idempotency_key = ${p(6)},
             assigned_agent = coalesce(${p(7)}, assigned_agent), completed_at = now(), context_version = ${p(8)},
             started_at = coalesce(started_at, ${p(14)}::timestamptz), attempt = coalesce(${p(15)}::int, attempt)
       where workspace_id = ${p(1)} and project_id = ${p(2)} and step_key = ${p(3)} and idempotency_key is distinct from ${p(6)}
       returning *`,
    },
    {
      name: 'audit',
      sql: `insert into audit_log (workspace_id, actor_type, actor, action, target_type, target_id, project_id, step_key, mode, approval_id, result, details)
      select s.workspace_id, ${p(9)}, ${p(10)}, 'step.execute', 'project_step', s.step_key, s.project_id, s.step_key, ${p(11)}, ${p(12)}, 'success', ${p(13)}::jsonb from ${n('s')} s`,
    },
    {
      name: 'resolved',
      sql: `update project_errors set resolved_at = now(), recovery_action = coalesce(recovery_action, 'retry')
       where project_id = ${p(2)} and step_key = ${p(3)} and resolved_at is null and exists (select 1 from ${n('s')})`,
    },
    { name: 'completed', sql: `select ${STEP_COLUMNS}, s.result_ref from ${n('s')} s left join project_data_storage d on d.id = s.result_ref` },
  ];
}

export const COMPLETE_STEP = `with ${completeStepCtes((i) => `$${i}`, (local) => local)
  .map((c) => `${c.name} as (${c.sql})`)
  .join(', ')} select * from completed`;

/** The completion as an outbox statement of the checkpointer (returns the completed row as JSON). */
export function completeStepStatement(values: unknown[]) {
  return {
    build: (param: (value: unknown) => string, name: (local: string) => string): Ctes => {
      const placed = new Map<number, string>();
      const p = (i: number) => {
        const known = placed.get(i);
        if (known) return known;
        const fresh = param(values[i - 1]);
        placed.set(i, fresh);
        return fresh;
      };
      return completeStepCtes(p, name);
    },
    returning: 'completed',
  };
}

/** A completed row that came back as JSON (timestamps as text). */
export function completedRowFromJson(raw: unknown): CompletedRow {
  const r = raw as Omit<CompletedRow, 'started_at' | 'completed_at'> & { started_at: string | null; completed_at: string | null };
  return { ...r, started_at: r.started_at ? new Date(r.started_at) : null, completed_at: r.completed_at ? new Date(r.completed_at) : null };
}

export function completeStepParams(ctx: RunContext, stepKey: string, result: StepResultInput, idempotencyKey: string, inlineJson: string, ref: string | null, sizeBytes: number, start?: StepStart): unknown[] {
  const human = result.agent === 'human';
  return [
    ctx.workspaceId,
    ctx.projectId,
    stepKey,
    inlineJson,
    ref,
    idempotencyKey,
    human ? null : result.agent,
    result.contextVersion,
    human ? 'user' : 'agent',
    result.agent,
    result.approvalId ? 'approved' : 'automatic',
    result.approvalId,
    JSON.stringify({ work: result.work, sizeBytes }),
    start?.at ?? null,
    start?.attempt ?? null,
  ];
}
