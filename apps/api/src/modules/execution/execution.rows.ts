import type { AutonomyLevel, ProjectStep, StepStatus } from '@orchestrator/contracts';
import type { RunContext, StepResultInput } from '@orchestrator/core';
import { auditInsert } from '../audit/audit.sql.js';

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
export const policyOf = (r: PolicyRow) => ({
  autonomy: r.autonomy_level ? {} : (r.policies ?? {}),
  defaultAutonomy: r.autonomy_level ?? ('semi_autonomous' as const),
});

type Ctes = Array<{ name: string; sql: string }>;

/** A step's start that was not written on its own (see RUNNING_WRITE_DELAY_MS): its next write carries it. */
export interface StepStart {
  at: Date;
  attempt: number | null;
  agent: string | null;
}

/** One completion: the columns of a row of COMPLETION_ROWS (see completionRow). */
const COMPLETION_COLUMNS = `_entry bigint, workspace_id uuid, project_id uuid, step_key text, result jsonb, result_ref uuid, idempotency_key text, agent text,
  context_version int, started_at timestamptz, completed_at timestamptz, attempt int, actor_type text, actor text, mode text, approval_id uuid, details jsonb`;

/**
 * Completes steps, audits their execution and resolves their open errors, each only if the step
 * was not already completed under its idempotency key (then it returns no row and writes
 * nothing), as data-modifying CTEs over a jsonb array of completions (`rows`: an expression):
 * one statement of its own (COMPLETE_STEP) or a batch of saved completions (APPLY_COMPLETIONS).
 */
function completeStepsCtes(rows: string, n: (local: string) => string): Ctes {
  return [
    { name: 'g', sql: `select * from jsonb_to_recordset(${rows}::jsonb) as g(${COMPLETION_COLUMNS})` },
    {
      name: 's',
      sql: `update project_steps set status = 'completed', result = g.result, result_ref = g.result_ref, idempotency_key = g.idempotency_key,
             assigned_agent = coalesce(g.agent, project_steps.assigned_agent), completed_at = coalesce(g.completed_at, now()), context_version = g.context_version,
             started_at = coalesce(project_steps.started_at, g.started_at), attempt = coalesce(g.attempt, project_steps.attempt)
        from ${n('g')} g
       where project_steps.workspace_id = g.workspace_id and project_steps.project_id = g.project_id and project_steps.step_key = g.step_key
         and project_steps.idempotency_key is distinct from g.idempotency_key
       returning project_steps.*, g._entry`,
    },
    {
      name: 'audit',
      sql: auditInsert(
        [
          'workspace_id',
          'actor_type',
          'actor',
          'action',
          'target_type',
          'target_id',
          'project_id',
          'step_key',
          'mode',
          'approval_id',
          'result',
          'details',
          'created_at',
        ],
        `select s.workspace_id, g.actor_type, g.actor, 'step.execute', 'project_step', s.step_key, s.project_id, s.step_key, g.mode, g.approval_id, 'success', g.details, coalesce(g.completed_at, now())
           from ${n('s')} s join ${n('g')} g on g._entry = s._entry`,
      ),
    },
    {
      name: 'resolved',
      sql: `update project_errors e set resolved_at = now(), recovery_action = coalesce(e.recovery_action, 'retry')
        from ${n('s')} s where e.project_id = s.project_id and e.step_key = s.step_key and e.resolved_at is null`,
    },
    {
      name: 'completed',
      sql: `select ${STEP_COLUMNS}, s.result_ref, s.workspace_id, s.project_id from ${n('s')} s left join project_data_storage d on d.id = s.result_ref`,
    },
  ];
}

/** One completion, on its own: `$1` is a jsonb array holding one completionRow. */
export const COMPLETE_STEP = `with ${completeStepsCtes('$1', (local) => local)
  .map((c) => `${c.name} as (${c.sql})`)
  .join(', ')} select * from completed`;

/**
 * Saves completions with the checkpoint that saves their steps' work: one narrow row each, the
 * completions of a parallel batch in one insert (an outbox row statement of the checkpointer).
 * CompletionApplier applies them to project_steps and audit_log right after the commit.
 */
export function saveCompletionStatement(row: Record<string, unknown>) {
  return {
    group: 'execution.save_completion',
    row,
    build: (rows: string) => [
      {
        name: 'saved',
        sql: `insert into step_completions (workspace_id, project_id, completion)
              select (r ->> 'workspace_id')::uuid, (r ->> 'project_id')::uuid, r - '_entry' from jsonb_array_elements(${rows}::jsonb) r`,
      },
    ],
  };
}

/**
 * Applies saved completions (at most one per step per batch, oldest first; rows other workers
 * hold are skipped) and deletes them, in one statement: each is applied exactly once. `$1`: a
 * project, or null for all.
 */
export const APPLY_COMPLETIONS = `with locked as (
    select id, project_id, completion ->> 'step_key' as step_key from step_completions
     where $1::uuid is null or project_id = $1 order by id limit 500 for update skip locked),
  picked as (select distinct on (project_id, step_key) id from locked order by project_id, step_key, id),
  c as (delete from step_completions where id in (select id from picked) returning id, completion),
  ${completeStepsCtes(
    `(select coalesce(jsonb_agg(c.completion || jsonb_build_object('_entry', c.id)), '[]'::jsonb) from c)`,
    (local) => local,
  )
    .map((cte) => `${cte.name} as (${cte.sql})`)
    .join(', ')}
  select (select count(*) from locked)::int as locked, (select count(*) from c)::int as applied, (select coalesce(json_agg(r), '[]'::json) from completed r) as completed`;

/** A completed row that came back as JSON (timestamps as text). */
export function completedRowFromJson(raw: unknown): CompletedRow {
  const r = raw as Omit<CompletedRow, 'started_at' | 'completed_at'> & {
    started_at: string | null;
    completed_at: string | null;
  };
  return {
    ...r,
    started_at: r.started_at ? new Date(r.started_at) : null,
    completed_at: r.completed_at ? new Date(r.completed_at) : null,
  };
}

/** A completion as a row of COMPLETION_COLUMNS (`_entry` is added where rows are gathered). */
export function completionRow(
  ctx: RunContext,
  stepKey: string,
  result: StepResultInput,
  idempotencyKey: string,
  inline: object,
  ref: string | null,
  sizeBytes: number,
  start?: StepStart,
): Record<string, unknown> {
  const human = result.agent === 'human';
  return {
    workspace_id: ctx.workspaceId,
    project_id: ctx.projectId,
    step_key: stepKey,
    result: inline,
    result_ref: ref,
    idempotency_key: idempotencyKey,
    agent: human ? null : result.agent,
    context_version: result.contextVersion,
    started_at: start?.at.toISOString() ?? null,
    completed_at: new Date().toISOString(),
    attempt: start?.attempt ?? null,
    actor_type: human ? 'user' : 'agent',
    actor: result.agent,
    mode: result.approvalId ? 'approved' : 'automatic',
    approval_id: result.approvalId,
    details: { work: result.work, sizeBytes },
  };
}

/** The step rows of a flattened plan (`rows`: a jsonb array), each inserted once. */
export const insertStepsSql = (workspaceId: string, projectId: string, rows: string) =>
  `insert into project_steps (workspace_id, project_id, step_key, position, name, description, step_type, assigned_agent, assigned_human,
                              human_collaboration_type, dependencies, risk_level, config)
   select ${workspaceId}::uuid, ${projectId}::uuid, r.step_key, r.position, r.name, r.description, r.step_type, r.assigned_agent, r.assigned_human,
          r.human_collaboration_type, r.dependencies, r.risk_level, r.config
     from jsonb_to_recordset(${rows}::jsonb) as r(step_key text, position int, name text, description text, step_type text, assigned_agent text,
                                           assigned_human text, human_collaboration_type text, dependencies text[], risk_level text, config jsonb)
   order by r.position
   on conflict (project_id, step_key) do nothing`;

/** insertStepsSql as an outbox statement of the checkpointer, fused into the checkpoint's own. */
export function insertStepsStatement([workspaceId, projectId, rows]: unknown[]) {
  return {
    build: (param: (value: unknown) => string) => [
      { name: 'steps', sql: insertStepsSql(param(workspaceId), param(projectId), param(rows)) },
    ],
  };
}
