import { Inject, Injectable } from '@nestjs/common';
import {
  APPROVAL_INPUT_CHARS,
  FINAL_STATUSES,
  type ApprovalInput,
  type AutonomyLevel,
  type ProjectStatus,
  type RiskLevel,
  type StandingApproval,
  type StandingRisk,
  type StepStatus,
  type StepType,
  type CollaborationType,
} from '@orchestrator/contracts';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { PG_POOL } from '../../database/tokens.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { recordPattern } from './approval-patterns.js';
import {
  APPROVAL_SELECT,
  toRecord,
  type ApprovalRecord,
  type ApprovalRow,
  type NewApproval,
} from './approvals.rows.js';

type Db = Pool | PoolClient;

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Whether a standing approval up to `maxRisk` reaches a step of `risk` (never a critical one). */
export const withinStanding = (risk: RiskLevel, maxRisk: StandingRisk): boolean =>
  risk !== 'critical' && RANK[risk] <= RANK[maxRisk];

/** A standing approval that covers an approval being raised, with what its audit entry names. */
export interface Covering {
  id: string;
  maxRisk: StandingRisk;
  grantedBy: string;
  grantedByName: string;
  projectTitle: string;
}

/** What decides whether a project's later steps wait for a person. */
export interface ProjectApprovalContext {
  title: string;
  status: ProjectStatus;
  requestedBy: string | null;
  /** The project's own autonomy (it applies to every department), else null. */
  autonomyLevel: AutonomyLevel | null;
  /** The workspace's autonomy per department. */
  policies: Record<string, AutonomyLevel>;
  standing: StandingApproval | null;
}

/** A step of a project that has not started yet. */
export interface NotStartedStep {
  stepKey: string;
  name: string;
  type: StepType;
  collaboration: CollaborationType | null;
  riskLevel: RiskLevel;
  agentName: string | null;
  department: string | null;
}

interface StandingRow {
  id: string;
  project_id: string;
  max_risk: StandingRisk;
  granted_by_name: string | null;
  granted_at: Date;
}

const toStanding = (r: StandingRow): StandingApproval => ({
  projectId: r.project_id,
  maxRisk: r.max_risk,
  grantedBy: r.granted_by_name ?? 'a former member',
  grantedAt: r.granted_at.toISOString(),
});

const STANDING_SELECT = `select s.id, s.project_id, s.max_risk, coalesce(u.display_name, u.email) as granted_by_name, s.granted_at
   from standing_approvals s left join users u on u.id = s.granted_by`;

/** Why nothing reaches a step on its own: a plan's approval checkpoint or a step a named person must approve. */
const PERSONAL_STEP = `(ps.step_type = 'human_approval' or ps.human_collaboration_type = 'approval')`;

/**
 * Standing approvals ("approve the remaining steps of this project at this risk or below") and
 * what an approval's preview shows beside the approval itself: the results it builds on, the
 * project's autonomy and the steps still to come.
 */
@Injectable()
export class StandingApprovalsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * The standing approval that approves `input` as it is raised, if any: a project step's action
   * (not a plan checkpoint, not a step a named person must approve, never critical) at or below
   * the ceiling, given by someone who may still decide approvals in the workspace.
   */
  async covering(db: Db, input: NewApproval): Promise<Covering | undefined> {
    if (!input.projectId || !input.stepKey || (input.kind ?? 'action') !== 'action') return undefined;
    if (input.action === 'human_approval' || input.riskLevel === 'critical') return undefined;
    const { rows } = await db.query<{
      id: string;
      max_risk: StandingRisk;
      granted_by: string;
      granted_by_name: string;
      project_title: string;
    }>(
      `select s.id, s.max_risk, s.granted_by, coalesce(u.display_name, u.email) as granted_by_name, p.title as project_title
         from standing_approvals s
         join users u on u.id = s.granted_by
         join projects p on p.id = s.project_id
         join memberships m on m.workspace_id = s.workspace_id and m.user_id = s.granted_by and m.role in ('approver', 'admin')
        where s.workspace_id = $1 and s.project_id = $2
          and not exists (select 1 from project_steps ps
                           where ps.project_id = s.project_id and ps.step_key = $3 and ${PERSONAL_STEP})`,
      [input.workspaceId, input.projectId, input.stepKey],
    );
    const r = rows[0];
    if (!r || !withinStanding(input.riskLevel, r.max_risk)) return undefined;
    return {
      id: r.id,
      maxRisk: r.max_risk,
      grantedBy: r.granted_by,
      grantedByName: r.granted_by_name,
      projectTitle: r.project_title,
    };
  }

  /**
   * Gives (or changes) the project's standing approval and approves, in the same transaction,
   * what of the project already waits within it. One audit entry names the project and the
   * ceiling; each approval approved now gets its own.
   */
  async approveRemaining(
    workspaceId: string,
    projectId: string,
    maxRisk: StandingRisk,
    notes: string | null,
    userId: string,
  ): Promise<{ standing: StandingApproval; approved: ApprovalRecord[] }> {
    return withTransaction(this.pool, async (db) => {
      const project = await db.query<{ title: string; status: ProjectStatus }>(
        `select title, status from projects where workspace_id = $1 and id = $2 for update`,
        [workspaceId, projectId],
      );
      const p = project.rows[0];
      if (!p) throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
      if (FINAL_STATUSES.includes(p.status))
        throw new AppError(
          'project/invalid_transition',
          `“${p.title}” has ended (${p.status}): no steps are left to approve.`,
        );
      const granted = await db.query<{ id: string }>(
        `insert into standing_approvals (workspace_id, project_id, max_risk, granted_by, notes) values ($1, $2, $3, $4, $5)
         on conflict (project_id) do update
           set max_risk = excluded.max_risk, granted_by = excluded.granted_by, granted_at = now(), notes = excluded.notes
         returning id`,
        [workspaceId, projectId, maxRisk, userId, notes],
      );
      const standingId = granted.rows[0]!.id;
      const note = `Approved with the remaining steps of this project at ${maxRisk} risk or below${notes ? `: ${notes}` : '.'}`;
      const { rows } = await db.query<{
        id: string;
        step_key: string | null;
        department: string | null;
        action: string;
        risk_level: RiskLevel;
        agent_name: string | null;
      }>(
        `update pending_approvals a set status = 'approved', decided_at = now(), decided_by = $3, decision_notes = $4
          where a.workspace_id = $1 and a.project_id = $2 and a.status = 'pending' and a.kind = 'action'
            and a.action <> 'human_approval' and a.risk_level = any($5::text[])
            and (a.expires_at is null or a.expires_at > now())
            and (a.assigned_user_id is null or a.assigned_user_id = $3)
            and not exists (select 1 from project_steps ps
                             where ps.project_id = a.project_id and ps.step_key = a.step_key and ${PERSONAL_STEP})
          returning a.id, a.step_key, a.department, a.action, a.risk_level, a.agent_name`,
        [
          workspaceId,
          projectId,
          userId,
          note,
          (['low', 'medium', 'high'] as const).filter((r) => withinStanding(r, maxRisk)),
        ],
      );
      await this.audit.append(db, [
        personEntry({ workspaceId, userId }, 'approval.approve_remaining', {
          targetType: 'project',
          targetId: projectId,
          projectId,
          riskLevel: maxRisk,
          details: {
            project: p.title,
            maxRisk,
            approvedNow: rows.map((r) => r.id),
            notes,
            standingApprovalId: standingId,
          },
        }),
        ...rows.map((r) =>
          personEntry({ workspaceId, userId }, 'approval.approve', {
            targetType: 'approval',
            targetId: r.id,
            projectId,
            stepKey: r.step_key,
            department: r.department,
            riskLevel: r.risk_level,
            approvalId: r.id,
            approvedBy: userId,
            details: { action: r.action, agentName: r.agent_name, notes: note, standingApprovalId: standingId },
          }),
        ),
      ]);
      for (const r of rows) await recordPattern(db, workspaceId, r.department, r.action, r.risk_level, 'approved');
      const standing = await db.query<StandingRow>(`${STANDING_SELECT} where s.id = $1`, [standingId]);
      const approved = rows.length
        ? await db.query<ApprovalRow>(`${APPROVAL_SELECT} where a.id = any($1::uuid[]) order by a.requested_at, a.id`, [
            rows.map((r) => r.id),
          ])
        : { rows: [] };
      return { standing: toStanding(standing.rows[0]!), approved: approved.rows.map(toRecord) };
    });
  }

  /** Who started the project, its autonomy and its standing approval; undefined when it does not exist. */
  async projectContext(workspaceId: string, projectId: string): Promise<ProjectApprovalContext | undefined> {
    const { rows } = await this.pool.query<{
      title: string;
      status: ProjectStatus;
      requested_by: string | null;
      autonomy_level: AutonomyLevel | null;
      policies: Record<string, AutonomyLevel> | null;
    }>(
      `select p.title, p.status, coalesce(u.display_name, u.email) as requested_by, p.autonomy_level,
              (select json_object_agg(a.department, a.level) from autonomy_policies a where a.workspace_id = p.workspace_id) as policies
         from projects p left join users u on u.id = p.created_by
        where p.workspace_id = $1 and p.id = $2`,
      [workspaceId, projectId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const standing = await this.pool.query<StandingRow>(
      `${STANDING_SELECT} where s.workspace_id = $1 and s.project_id = $2`,
      [workspaceId, projectId],
    );
    return {
      title: r.title,
      status: r.status,
      requestedBy: r.requested_by,
      autonomyLevel: r.autonomy_level,
      policies: r.policies ?? {},
      standing: standing.rows[0] ? toStanding(standing.rows[0]) : null,
    };
  }

  /** The project's steps that have not started, in plan order (subproject containers left out). */
  async notStarted(workspaceId: string, projectId: string): Promise<NotStartedStep[]> {
    const { rows } = await this.pool.query<{
      step_key: string;
      name: string;
      step_type: StepType;
      human_collaboration_type: CollaborationType | null;
      risk_level: RiskLevel;
      assigned_agent: string | null;
      department: string | null;
    }>(
      `select step_key, name, step_type, human_collaboration_type, risk_level, assigned_agent, config->>'department' as department
         from project_steps
        where workspace_id = $1 and project_id = $2 and status in ('pending', 'ready') and step_type <> 'subproject'
        order by position, step_key`,
      [workspaceId, projectId],
    );
    return rows.map((r) => ({
      stepKey: r.step_key,
      name: r.name,
      type: r.step_type,
      collaboration: r.human_collaboration_type,
      riskLevel: r.risk_level,
      agentName: r.assigned_agent,
      department: r.department,
    }));
  }

  /**
   * The results of the steps `stepKey` depends on, each cut at APPROVAL_INPUT_CHARS: enough to
   * decide on, never a whole 100 MB result (that is one request away).
   */
  async inputs(workspaceId: string, projectId: string, stepKey: string): Promise<ApprovalInput[]> {
    const { rows } = await this.pool.query<{
      step_key: string;
      name: string;
      assigned_agent: string | null;
      status: StepStatus;
      content: string | null;
      content_length: number | null;
      content_type: string | null;
      stored_truncated: boolean;
      size_bytes: string | null;
    }>(
      `select d.step_key, d.name, d.assigned_agent, d.status,
              left(d.result->>'content', $4) as content, length(d.result->>'content') as content_length,
              d.result->>'contentType' as content_type, coalesce((d.result->>'truncated')::boolean, false) as stored_truncated,
              coalesce(sz.size_bytes, octet_length(d.result->>'content')) as size_bytes
         from project_steps s
         join project_steps d on d.project_id = s.project_id and d.step_key = any(s.dependencies)
         left join project_data_storage sz on sz.id = d.result_ref
        where s.workspace_id = $1 and s.project_id = $2 and s.step_key = $3
        order by d.position, d.step_key`,
      [workspaceId, projectId, stepKey, APPROVAL_INPUT_CHARS],
    );
    return rows.map((r) => ({
      stepKey: r.step_key,
      stepName: r.name,
      agentName: r.assigned_agent,
      status: r.status,
      content: r.content,
      contentType: r.content_type,
      truncated: r.stored_truncated || (r.content_length ?? 0) > APPROVAL_INPUT_CHARS,
      sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    }));
  }
}
