import { Inject, Injectable } from '@nestjs/common';
import {
  PlanSchema,
  PROJECT_STATUSES,
  type Plan,
  type PlanVersion,
  type ProjectPage,
  type ProjectStatus,
  type ProjectSummary,
} from '@orchestrator/contracts';
import type { CurrentPlan, NewProjectPlan, PlanRevision } from '@orchestrator/core';
import { canTransition } from '@orchestrator/core';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { decodeCursor, encodeCursor, isUuid } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';
import {
  APPROVE,
  COLUMNS,
  toSummary,
  TRANSITION,
  type ApprovedRow,
  type MovedRow,
  type ProjectRow,
} from './projects.rows.js';

const durationMinutes = (plan: Plan) => Math.round(plan.criticalPath.totalMinutes);

@Injectable()
export class ProjectsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Project, plan version 1 and the creation transition, in one transaction. */
  async createWithPlan(input: NewProjectPlan): Promise<CurrentPlan> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<ProjectRow>(
        `insert into projects (workspace_id, conversation_id, title, description, status, plan_json, current_plan_version,
                               orchestrator_agent, project_type, department, template, estimated_duration_minutes, created_by)
         values ($1, $2, $3, $4, 'awaiting_plan_approval', $5, 1, 'ceo_orchestrator', 'standard', $6, $7, $8, $9)
         returning ${COLUMNS}`,
        [
          input.workspaceId,
          input.conversationId,
          input.plan.title,
          input.plan.request,
          JSON.stringify(input.plan),
          input.plan.department,
          input.plan.template,
          durationMinutes(input.plan),
          input.userId,
        ],
      );
      const project = rows[0]!;
      await this.insertVersion(
        db,
        input.workspaceId,
        project.id,
        1,
        input.plan,
        input.changeSummary,
        'agent',
        'ceo_orchestrator',
      );
      await db.query(
        `insert into project_status_transitions (workspace_id, project_id, from_status, to_status, reason, actor_type, actor)
         values ($1, $2, null, 'awaiting_plan_approval', 'plan created', 'agent', 'ceo_orchestrator')`,
        [input.workspaceId, project.id],
      );
      return { projectId: project.id, version: 1, plan: input.plan, summary: toSummary(project) };
    });
  }

  /** A new plan version; refused when the base is stale or the plan was already approved. */
  async revisePlan(input: PlanRevision): Promise<CurrentPlan> {
    return withTransaction(this.pool, async (db) => {
      const current = await this.lock(db, input.workspaceId, input.projectId);
      if (current.status !== 'awaiting_plan_approval' || current.approved_at) {
        throw new AppError(
          'project/invalid_transition',
          `The plan of "${current.title}" can no longer change: the project is ${current.approved_at ? 'approved' : current.status}.`,
        );
      }
      if (current.current_plan_version !== input.baseVersion) {
        throw new AppError(
          'plan/stale_version',
          `The plan changed meanwhile: version ${current.current_plan_version} is current, not ${input.baseVersion}.`,
        );
      }
      const version = input.baseVersion + 1;
      await this.insertVersion(
        db,
        input.workspaceId,
        input.projectId,
        version,
        input.plan,
        input.changeSummary,
        'user',
        input.author,
      );
      const { rows } = await db.query<ProjectRow>(
        `update projects set plan_json = $3, current_plan_version = $4, title = $5, department = $6, estimated_duration_minutes = $7, version = version + 1
          where workspace_id = $1 and id = $2 returning ${COLUMNS}`,
        [
          input.workspaceId,
          input.projectId,
          JSON.stringify(input.plan),
          version,
          input.plan.title,
          input.plan.department,
          durationMinutes(input.plan),
        ],
      );
      return { projectId: input.projectId, version, plan: input.plan, summary: toSummary(rows[0]!) };
    });
  }

  async current(workspaceId: string, projectId: string): Promise<CurrentPlan | undefined> {
    if (!isUuid(projectId)) return undefined;
    const { rows } = await this.pool.query<ProjectRow & { plan_json: unknown }>(
      `select ${COLUMNS}, plan_json from projects where workspace_id = $1 and id = $2`,
      [workspaceId, projectId],
    );
    const r = rows[0];
    if (!r || r.current_plan_version === null) return undefined;
    return { projectId, version: r.current_plan_version, plan: PlanSchema.parse(r.plan_json), summary: toSummary(r) };
  }

  async summary(workspaceId: string, projectId: string): Promise<ProjectSummary | undefined> {
    if (!isUuid(projectId)) return undefined;
    const { rows } = await this.pool.query<ProjectRow>(
      `select ${COLUMNS} from projects where workspace_id = $1 and id = $2`,
      [workspaceId, projectId],
    );
    return rows[0] && toSummary(rows[0]);
  }

  /** Newest first; `limit` versions starting at the current one. */
  async versions(workspaceId: string, projectId: string, limit = 50): Promise<PlanVersion[]> {
    const { rows } = await this.pool.query<{
      version: number;
      plan_json: unknown;
      change_summary: string;
      created_at: Date;
    }>(
      `select version, plan_json, change_summary, created_at from plan_versions
        where workspace_id = $1 and project_id = $2 order by version desc limit $3`,
      [workspaceId, projectId, limit],
    );
    return rows.map((r) => ({
      version: r.version,
      plan: PlanSchema.parse(r.plan_json),
      changeSummary: r.change_summary,
      createdAt: r.created_at.toISOString(),
    }));
  }

  async list(workspaceId: string, limit: number, status?: ProjectStatus, cursor?: string): Promise<ProjectPage> {
    const params: unknown[] = [workspaceId, limit + 1];
    const where = ['workspace_id = $1', 'parent_project_id is null'];
    if (status) {
      params.push(status);
      where.push(`status = $${params.length}`);
    }
    if (cursor) {
      const [at, id] = decodeCursor(cursor);
      params.push(at, id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const { rows } = await this.pool.query<ProjectRow>(
      `select ${COLUMNS} from projects where ${where.join(' and ')} order by created_at desc, id desc limit $2`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      projects: page.map(toSummary),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /**
   * Approves exactly `version` and starts the project (`running`: Plan → Approve → Act), with
   * its audit entry and status transition, in one statement (approvals come in
   * bursts: one round trip each, not ten). The row lock makes concurrent approvals and approvals
   * of a superseded version fail with a 409 that states the current situation. Returns the
   * started project and its two latest plan versions (what the answer shows).
   */
  async approve(
    workspaceId: string,
    projectId: string,
    version: number,
    userId: string,
  ): Promise<{ summary: ProjectSummary; versions: PlanVersion[] }> {
    if (!isUuid(projectId)) throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
    const { rows } = await this.pool.query<ApprovedRow>({
      name: 'projects_approve',
      text: APPROVE,
      // The user's id twice: a uuid for approved_by, text for the audit and transition rows.
      values: [workspaceId, projectId, version, userId, JSON.stringify({ version }), userId],
    });
    const r = rows[0];
    if (!r) throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
    if (r.id === null) {
      if (r.was_approved_at)
        throw new AppError(
          'project/invalid_transition',
          `"${r.was_title}" is already approved (version ${r.was_version}).`,
        );
      if (r.was_status !== 'awaiting_plan_approval')
        throw new AppError(
          'project/invalid_transition',
          `"${r.was_title}" cannot be approved: it is ${r.was_status}, not awaiting plan approval.`,
        );
      throw new AppError(
        'plan/stale_version',
        `Version ${version} is no longer current: the plan is at version ${r.was_version}. Review it and approve that one.`,
      );
    }
    return {
      summary: toSummary(r as ProjectRow),
      versions: r.versions.map((v) => ({
        version: v.version,
        plan: PlanSchema.parse(v.plan_json),
        changeSummary: v.change_summary,
        createdAt: new Date(v.created_at).toISOString(),
      })),
    };
  }

  /**
   * Moves a project to `to` if the lifecycle (core's `projects/lifecycle.ts`) allows it from its
   * current state (409 otherwise, with the current state), and records the transition: one
   * statement, under the row's lock.
   */
  async transition(
    workspaceId: string,
    projectId: string,
    to: ProjectStatus,
    reason: string,
    actor: { type: 'user' | 'agent' | 'system'; id: string },
    from?: ProjectStatus[],
  ): Promise<ProjectSummary> {
    return this.transitionIn(this.pool, workspaceId, projectId, to, reason, actor, from);
  }

  /** transition() in the caller's transaction, for a change the status must commit with. */
  async transitionIn(
    db: Pick<PoolClient, 'query'>,
    workspaceId: string,
    projectId: string,
    to: ProjectStatus,
    reason: string,
    actor: { type: 'user' | 'agent' | 'system'; id: string },
    from?: ProjectStatus[],
  ): Promise<ProjectSummary> {
    if (!isUuid(projectId)) throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
    // The states it may leave for `to`: those asked for that the lifecycle allows.
    const sources = (from ?? PROJECT_STATUSES).filter((s) => canTransition(s, to));
    const { rows } = await db.query<MovedRow>({
      name: 'projects_transition',
      text: TRANSITION,
      values: [workspaceId, projectId, to, reason, sources, actor.type, actor.id],
    });
    const r = rows[0];
    if (!r) throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
    if (r.id === null)
      throw new AppError(
        'project/invalid_transition',
        `"${r.was_title}" is ${r.was_status.replace(/_/g, ' ')}; it cannot become ${to.replace(/_/g, ' ')}.`,
      );
    return toSummary(r as ProjectRow);
  }

  /** Locks the project's row until the caller's transaction ends: its status cannot change meanwhile. */
  async lockIn(db: PoolClient, workspaceId: string, projectId: string): Promise<ProjectSummary> {
    if (!isUuid(projectId)) throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
    return toSummary(await this.lock(db, workspaceId, projectId));
  }

  /**
   * A copy of a project made from one of its checkpoints (see docs/api.md, time travel): the same
   * plan and plan history, budgets and conversation, created paused by the person with their
   * reason; `metadata.forkedFrom` names the source. In the caller's transaction.
   */
  async forkIn(
    db: PoolClient,
    workspaceId: string,
    sourceId: string,
    fork: { title: string; reason: string; checkpointId: string; userId: string },
  ): Promise<ProjectSummary> {
    const { rows } = await db.query<ProjectRow>(
      `insert into projects (workspace_id, conversation_id, title, description, status, status_reason, plan_json,
                             current_plan_version, orchestrator_agent, priority, project_type, department, source, template,
                             autonomy_level, estimated_duration_minutes, token_budget_soft, token_budget_hard,
                             cost_budget_soft_usd, cost_budget_hard_usd, metadata, approved_version, approved_at, approved_by,
                             created_by)
       select workspace_id, conversation_id, $3, description, 'paused_by_user', $4, plan_json,
              current_plan_version, orchestrator_agent, priority, project_type, department, source, template,
              autonomy_level, estimated_duration_minutes, token_budget_soft, token_budget_hard,
              cost_budget_soft_usd, cost_budget_hard_usd,
              metadata || jsonb_build_object('forkedFrom', jsonb_build_object('projectId', id, 'checkpointId', $5::text)),
              approved_version, approved_at, approved_by, $6
         from projects where workspace_id = $1 and id = $2
       returning ${COLUMNS}`,
      [workspaceId, sourceId, fork.title, fork.reason, fork.checkpointId, fork.userId],
    );
    const created = rows[0];
    if (!created) throw new AppError('project/not_found', `Project ${sourceId} does not exist.`);
    await db.query(
      `insert into plan_versions (workspace_id, project_id, version, plan_json, change_summary, author_type, author, created_at)
       select workspace_id, $3, version, plan_json, change_summary, author_type, author, created_at
         from plan_versions where workspace_id = $1 and project_id = $2`,
      [workspaceId, sourceId, created.id],
    );
    await db.query(
      `insert into project_status_transitions (workspace_id, project_id, from_status, to_status, reason, actor_type, actor)
       values ($1, $2, null, 'paused_by_user', $3, 'user', $4)`,
      [workspaceId, created.id, fork.reason, fork.userId],
    );
    return toSummary(created);
  }

  private async lock(db: PoolClient, workspaceId: string, projectId: string): Promise<ProjectRow> {
    const { rows } = await db.query<ProjectRow>(
      `select ${COLUMNS} from projects where workspace_id = $1 and id = $2 for update`,
      [workspaceId, projectId],
    );
    if (!rows[0]) throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
    return rows[0];
  }

  private async insertVersion(
    db: PoolClient,
    workspaceId: string,
    projectId: string,
    version: number,
    plan: Plan,
    summary: string,
    authorType: 'user' | 'agent',
    author: string,
  ) {
    await db.query(
      `insert into plan_versions (workspace_id, project_id, version, plan_json, change_summary, author_type, author)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [workspaceId, projectId, version, JSON.stringify(plan), summary, authorType, author],
    );
  }
}
