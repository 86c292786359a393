import type { ProjectStatus, ProjectSummary } from '@orchestrator/contracts';
import { auditInsert } from '../audit/audit.sql.js';

/** Rows of the projects table as the repository reads them, and its statements of more than a line. */
export interface ProjectRow {
  id: string;
  title: string;
  status: ProjectStatus;
  department: string | null;
  project_type: string | null;
  conversation_id: string | null;
  current_plan_version: number | null;
  estimated_duration_minutes: number | null;
  approved_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const COLUMNS = `id, title, status, department, project_type, conversation_id, current_plan_version,
  estimated_duration_minutes, approved_at, created_at, updated_at`;

export const toSummary = (r: ProjectRow): ProjectSummary => ({
  id: r.id,
  title: r.title,
  status: r.status,
  department: r.department,
  projectType: r.project_type,
  conversationId: r.conversation_id,
  currentPlanVersion: r.current_plan_version,
  estimatedDurationMinutes: r.estimated_duration_minutes,
  approvedAt: r.approved_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Plan approval (see ProjectsRepository#approve): `was_*` is the project as the lock found it;
 * the other columns are the started project, null when the approval was refused.
 */
export const APPROVE = `with was as (
    select id, title, status, approved_at, current_plan_version from projects where workspace_id = $1 and id = $2 for update
  ), started as (
    update projects p set approved_version = $3, approved_at = now(), approved_by = $4, status = 'running',
           status_reason = 'Plan approved', started_at = coalesce(p.started_at, now()), version = p.version + 1
      from was
     where p.workspace_id = $1 and p.id = was.id
       and was.approved_at is null and was.status = 'awaiting_plan_approval' and was.current_plan_version = $3
    returning p.id, p.title, p.status, p.department, p.project_type, p.conversation_id, p.current_plan_version,
              p.estimated_duration_minutes, p.approved_at, p.created_at, p.updated_at
  ), audited as (
    ${auditInsert(
      [
        'workspace_id',
        'actor_type',
        'actor',
        'action',
        'target_type',
        'target_id',
        'project_id',
        'risk_level',
        'mode',
        'result',
        'details',
      ],
      `select $1, 'user', $6, 'plan.approve', 'project', started.id::text, started.id, 'medium', 'manual', 'success', $5 from started`,
    )}
  ), moved as (
    insert into project_status_transitions (workspace_id, project_id, from_status, to_status, reason, actor_type, actor)
    select $1, started.id, 'awaiting_plan_approval', 'running', 'Plan approved', 'user', $6 from started
  )
  select was.title as was_title, was.status as was_status, was.approved_at as was_approved_at, was.current_plan_version as was_version,
         started.*,
         (select coalesce(json_agg(v order by v.version desc), '[]') from (
            select version, plan_json, change_summary, created_at from plan_versions
             where workspace_id = $1 and project_id = $2 order by version desc limit 2) v) as versions
    from was left join started on true`;

/**
 * A status transition (see ProjectsRepository#transitionIn): `$5` the states it may leave;
 * `was_*` is the project as the lock found it, the other columns the moved project (null: refused).
 */
export const TRANSITION = `with was as (
    select id, title, status from projects where workspace_id = $1 and id = $2 for update
  ), moved as (
    update projects p set status = $3, status_reason = $4, version = p.version + 1,
           started_at = case when $3 = 'running' then coalesce(p.started_at, now()) else p.started_at end,
           completed_at = case when $3 in ('completed', 'failed', 'aborted') then now() else p.completed_at end
      from was
     where p.workspace_id = $1 and p.id = was.id and was.status = any($5::text[])
    returning p.id, p.title, p.status, p.department, p.project_type, p.conversation_id, p.current_plan_version,
              p.estimated_duration_minutes, p.approved_at, p.created_at, p.updated_at
  ), logged as (
    insert into project_status_transitions (workspace_id, project_id, from_status, to_status, reason, actor_type, actor)
    select $1, moved.id, was.status, moved.status, $4, $6, $7 from moved, was
  )
  select was.title as was_title, was.status as was_status, moved.* from was left join moved on true`;

export type MovedRow = { [K in keyof ProjectRow]: ProjectRow[K] | null } & {
  was_title: string;
  was_status: ProjectStatus;
};

export type ApprovedRow = { [K in keyof ProjectRow]: ProjectRow[K] | null } & {
  was_title: string;
  was_status: ProjectStatus;
  was_approved_at: Date | null;
  was_version: number | null;
  versions: Array<{ version: number; plan_json: unknown; change_summary: string; created_at: string }>;
};
