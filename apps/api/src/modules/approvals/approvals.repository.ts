import { Inject, Injectable } from '@nestjs/common';
import type {
  ApprovalListQuery,
  ApprovalPage,
  Decision,
  Inbox,
  InboxHumanStep,
  RiskLevel,
} from '@orchestrator/contracts';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { decodeCursor, encodeCursor, isUuid } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';
import { AuditRepository, type NewAuditEntry } from '../audit/audit.repository.js';
import { recordPattern } from './approval-patterns.js';
import { APPROVALS_OPTIONS, type ApprovalsOptions } from './approvals.options.js';
import { StandingApprovalsRepository } from './standing-approvals.repository.js';
import {
  APPROVAL_SELECT,
  formatWait,
  toApproval,
  toRecord,
  type ApprovalRecord,
  type ApprovalRow,
  type NewApproval,
} from './approvals.rows.js';

type Db = Pool | PoolClient;

const STATUS_OF: Record<Decision, 'approved' | 'rejected'> = { approve: 'approved', reject: 'rejected' };

/** How many rows one sweep handles; the rest wait for the next tick (keeps transactions short). */
const SWEEP_BATCH = 500;
const INBOX_LIMIT = 200;

/** The columns of an approval its audit entry names. */
interface AuditedRow {
  id: string;
  workspace_id: string;
  project_id: string | null;
  step_key: string | null;
  department: string | null;
  risk_level: RiskLevel;
}

/** What the approvals module does to an approval by itself (expire, escalate, withdraw), as its audit entry. */
const systemEntry = (
  actor: string,
  action: string,
  r: AuditedRow,
  details: Record<string, unknown>,
): NewAuditEntry => ({
  workspaceId: r.workspace_id,
  actorType: 'system',
  actor,
  action,
  targetType: 'approval',
  targetId: r.id,
  projectId: r.project_id,
  stepKey: r.step_key,
  department: r.department,
  riskLevel: r.risk_level,
  mode: 'automatic',
  result: 'success',
  details,
});

interface HumanStepRow {
  project_id: string;
  project_title: string;
  step_key: string;
  name: string;
  description: string;
  assigned_human: string | null;
  human_collaboration_type: InboxHumanStep['collaboration'];
  risk_level: InboxHumanStep['riskLevel'];
  due_at: Date | null;
  last_reminded_at: Date | null;
  waiting_since: Date;
}

@Injectable()
export class ApprovalsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly audit: AuditRepository,
    @Inject(APPROVALS_OPTIONS) private readonly options: ApprovalsOptions,
    private readonly standing: StandingApprovalsRepository,
  ) {}

  /**
   * Raises an approval for a paused step. Idempotent: a re-run node (same thread and interrupt)
   * or a second request while the step already has a pending approval gets the existing row
   * (`created: false`). Pass the engine's transaction as `db` to create it with the interrupt.
   */
  async create(input: NewApproval, db: Db = this.pool): Promise<ApprovalRecord & { created: boolean }> {
    if (db === this.pool) return withTransaction(this.pool, (tx) => this.create(input, tx));
    const expiry = input.expiresAt === undefined ? 'policy' : input.expiresAt === null ? 'never' : 'given';
    // A step the project's standing approval reaches is approved as it is raised, in the name of
    // the person who gave it; the run goes on without pausing.
    const standing = await this.standing.covering(db, input);
    const notes = standing
      ? `Approved by the standing approval of ${standing.grantedByName}: the remaining steps of this project at ${standing.maxRisk} risk or below.`
      : null;
    // `on conflict do nothing` without a target covers both unique indexes (interrupt, pending step).
    const { rows } = await db.query<{ id: string }>(
      `insert into pending_approvals (workspace_id, kind, project_id, step_key, conversation_id, thread_id, checkpoint_ns, checkpoint_id,
                                      interrupt_id, agent_name, delegation_path, department, action, risk_level, preview, assigned_user_id, expires_at,
                                      status, decided_at, decided_by, decision_notes, standing_approval_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
               case $17::text
                 when 'given' then $18::timestamptz
                 when 'policy' then now() + make_interval(mins => coalesce(
                   (select approval_expiry_minutes from autonomy_policies where workspace_id = $1 and department = $12), $19::int))
               end,
               case when $20::uuid is null then 'pending' else 'approved' end,
               case when $20::uuid is null then null else now() end,
               $21::uuid, $22::text, $20::uuid)
       on conflict do nothing
       returning id`,
      [
        input.workspaceId,
        input.kind ?? 'action',
        input.projectId,
        input.stepKey,
        input.conversationId ?? null,
        input.threadId ?? null,
        input.checkpointNs ?? '',
        input.checkpointId ?? null,
        input.interruptId ?? null,
        input.agentName,
        input.delegationPath ?? [],
        input.department,
        input.action,
        input.riskLevel,
        JSON.stringify(input.preview),
        input.assignedUserId ?? null,
        expiry,
        input.expiresAt ?? null,
        this.options.defaultExpiryMinutes,
        standing?.id ?? null,
        standing?.grantedBy ?? null,
        notes,
      ],
    );
    if (rows[0]) {
      if (standing) {
        await this.audit.append(db, [
          {
            workspaceId: input.workspaceId,
            actorType: 'user',
            actor: standing.grantedBy,
            action: 'approval.approve_standing',
            targetType: 'approval',
            targetId: rows[0].id,
            projectId: input.projectId,
            stepKey: input.stepKey,
            department: input.department,
            riskLevel: input.riskLevel,
            mode: 'approved',
            approvalId: rows[0].id,
            approvedBy: standing.grantedBy,
            result: 'success',
            details: {
              action: input.action,
              agentName: input.agentName,
              reason: `Approved by standing approval of ${standing.grantedByName} (steps of “${standing.projectTitle}” at ${standing.maxRisk} risk or below).`,
              standingApprovalId: standing.id,
            },
          },
        ]);
      }
      return { ...(await this.record(db, input.workspaceId, rows[0].id))!, created: true };
    }
    const existing = await db.query<ApprovalRow>(
      `${APPROVAL_SELECT}
        where a.workspace_id = $1
          and ((a.thread_id = $2 and a.interrupt_id = $3) or (a.project_id = $4 and a.step_key = $5 and a.status = 'pending'))
        order by (a.interrupt_id is not distinct from $3) desc limit 1`,
      [input.workspaceId, input.threadId ?? null, input.interruptId ?? null, input.projectId, input.stepKey],
    );
    if (!existing.rows[0])
      throw new Error(`pending approval for ${input.projectId}/${input.stepKey} conflicted but could not be read back`);
    return { ...toRecord(existing.rows[0]), created: false };
  }

  async get(workspaceId: string, id: string): Promise<ApprovalRecord | undefined> {
    return this.record(this.pool, workspaceId, id);
  }

  /** Newest first, keyset-paginated on (requested_at, id). */
  async list(workspaceId: string, query: ApprovalListQuery): Promise<ApprovalPage> {
    const params: unknown[] = [workspaceId, query.limit + 1];
    const where = ['a.workspace_id = $1'];
    const add = (column: string, value: unknown) => {
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    if (query.status) add('a.status', query.status);
    if (query.projectId) add('a.project_id', query.projectId);
    if (query.riskLevel) add('a.risk_level', query.riskLevel);
    if (query.department) add('a.department', query.department);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      params.push(at, id);
      where.push(`(a.requested_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const { rows } = await this.pool.query<ApprovalRow>(
      `${APPROVAL_SELECT} where ${where.join(' and ')} order by a.requested_at desc, a.id desc limit $2`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      approvals: page.map(toApproval),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.requested_at, last.id) : null,
    };
  }

  /**
   * Decides exactly once. The conditional UPDATE is the arbiter: concurrent deciders queue on the
   * row lock and, once the winner commits, re-check `status = 'pending'` and update nothing. The
   * audit entry and the approval pattern commit with the decision or not at all.
   */
  async decide(
    workspaceId: string,
    id: string,
    decision: Decision,
    notes: string | null,
    userId: string,
  ): Promise<ApprovalRecord> {
    if (!isUuid(id)) throw notFound(id);
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{
        id: string;
        project_id: string | null;
        step_key: string | null;
        department: string | null;
        action: string;
        risk_level: RiskLevel;
        agent_name: string | null;
      }>(
        `update pending_approvals set status = $3, decided_at = now(), decided_by = $4, decision_notes = $5
          where workspace_id = $1 and id = $2 and status = 'pending' and (expires_at is null or expires_at > now())
          returning id, project_id, step_key, department, action, risk_level, agent_name`,
        [workspaceId, id, STATUS_OF[decision], userId, notes],
      );
      const decided = rows[0];
      if (!decided) throw await this.whyUndecidable(db, workspaceId, id);
      await this.audit.append(db, [
        {
          workspaceId,
          actorType: 'user',
          actor: userId,
          action: `approval.${decision}`,
          targetType: 'approval',
          targetId: id,
          projectId: decided.project_id,
          stepKey: decided.step_key,
          department: decided.department,
          riskLevel: decided.risk_level,
          mode: 'manual',
          approvalId: id,
          approvedBy: decision === 'approve' ? userId : null,
          result: 'success',
          details: { action: decided.action, agentName: decided.agent_name, notes },
        },
      ]);
      await recordPattern(db, workspaceId, decided.department, decided.action, decided.risk_level, STATUS_OF[decision]);
      return (await this.record(db, workspaceId, id))!;
    });
  }

  /**
   * Pending approvals past their expiry become `expired` (the run treats that as a rejection).
   * `decided_at` is the expiry itself: that is when the approval stopped being decidable.
   */
  async expireDue(now: Date): Promise<ApprovalRecord[]> {
    return withTransaction(this.pool, async (db) => {
      // skip locked: a row being decided right now is left to that decision (or the next sweep).
      const due = await db.query<{ id: string; requested_at: Date; expires_at: Date }>(
        `select id, requested_at, expires_at from pending_approvals
          where status = 'pending' and expires_at <= $1 order by expires_at limit ${SWEEP_BATCH} for update skip locked`,
        [now],
      );
      if (due.rows.length === 0) return [];
      const notes = due.rows.map(
        (r) =>
          `Expired after ${formatWait(r.expires_at.getTime() - r.requested_at.getTime())} without a decision: treated as rejected.`,
      );
      const { rows } = await db.query<AuditedRow & { action: string }>(
        `update pending_approvals a set status = 'expired', decided_at = a.expires_at, decision_notes = v.notes
           from unnest($1::uuid[], $2::text[]) as v(id, notes)
          where a.id = v.id and a.status = 'pending'
          returning a.id, a.workspace_id, a.project_id, a.step_key, a.department, a.action, a.risk_level`,
        [due.rows.map((r) => r.id), notes],
      );
      // Expiry is not a judgement on the action, so it is audited but not counted in approval_patterns.
      await this.audit.append(
        db,
        rows.map((r) => systemEntry('approvals.sweeper', 'approval.expire', r, { action: r.action })),
      );
      return this.records(
        db,
        rows.map((r) => r.id),
      );
    });
  }

  /**
   * Approvals left pending for `timeoutMinutes` (since raised or last escalated) move one level
   * up the reportsTo line: from the acting agent (or the level they were escalated to) to its
   * manager. The top of the org chart has no manager, so its approvals stay where they are.
   */
  async escalateDue(now: Date, timeoutMinutes: number): Promise<ApprovalRecord[]> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<AuditedRow & { escalated_to: string; escalation_level: number }>(
        `update pending_approvals a
            set escalation_level = a.escalation_level + 1, escalated_to = h.reports_to, escalated_at = $1
           from agent_hierarchy h
          where a.id in (select d.id from pending_approvals d
                          where d.status = 'pending' and (d.expires_at is null or d.expires_at > $1)
                            and coalesce(d.escalated_at, d.requested_at) <= $1::timestamptz - make_interval(mins => $2::int)
                            and exists (select 1 from agent_hierarchy m
                                         where m.workspace_id = d.workspace_id and m.agent_name = coalesce(d.escalated_to, d.agent_name)
                                           and m.reports_to is not null)
                          order by d.requested_at limit ${SWEEP_BATCH} for update of d skip locked)
            and a.status = 'pending'
            and h.workspace_id = a.workspace_id and h.agent_name = coalesce(a.escalated_to, a.agent_name) and h.reports_to is not null
          returning a.id, a.workspace_id, a.project_id, a.step_key, a.department, a.risk_level, a.escalated_to, a.escalation_level`,
        [now, timeoutMinutes],
      );
      await this.audit.append(
        db,
        rows.map((r) =>
          systemEntry('approvals.sweeper', 'approval.escalate', r, {
            escalatedTo: r.escalated_to,
            escalationLevel: r.escalation_level,
            afterMinutes: timeoutMinutes,
          }),
        ),
      );
      return this.records(
        db,
        rows.map((r) => r.id),
      );
    });
  }

  /**
   * Withdraws the pending approvals of a project that was stopped (cancel/abort): they can no
   * longer be decided, and the queue shows why.
   */
  async cancelForProject(
    workspaceId: string,
    projectId: string,
    reason: string,
    db: Db = this.pool,
  ): Promise<ApprovalRecord[]> {
    const run = async (tx: Db) => {
      const { rows } = await tx.query<AuditedRow & { action: string }>(
        `update pending_approvals set status = 'cancelled', decided_at = now(), decision_notes = $3
          where workspace_id = $1 and project_id = $2 and status = 'pending'
          returning id, workspace_id, project_id, step_key, department, action, risk_level`,
        [workspaceId, projectId, reason],
      );
      await this.audit.append(
        tx,
        rows.map((r) => systemEntry('approvals', 'approval.cancel', r, { action: r.action, reason })),
      );
      return this.records(
        tx,
        rows.map((r) => r.id),
      );
    };
    return db === this.pool ? withTransaction(this.pool, run) : run(db);
  }

  /**
   * "Needs my action": decidable approvals and steps waiting for a person. Rows assigned to
   * someone else are left out; unassigned ones are everyone's (embedded mode has one user).
   */
  async inbox(workspaceId: string, userId: string): Promise<Inbox> {
    const approvals = await this.pool.query<ApprovalRow>(
      `${APPROVAL_SELECT}
        where a.workspace_id = $1 and a.status = 'pending' and (a.expires_at is null or a.expires_at > now())
          and (a.assigned_user_id is null or a.assigned_user_id = $2)
        order by a.requested_at desc, a.id desc limit ${INBOX_LIMIT}`,
      [workspaceId, userId],
    );
    const steps = await this.pool.query<HumanStepRow>(
      `select s.project_id, p.title as project_title, s.step_key, s.name, s.description, s.assigned_human, s.human_collaboration_type,
              s.risk_level, s.due_at, s.last_reminded_at, coalesce(s.started_at, s.updated_at) as waiting_since
         from project_steps s join projects p on p.id = s.project_id
        where s.workspace_id = $1 and s.status = 'waiting_for_human' and (s.assigned_user_id is null or s.assigned_user_id = $2)
        order by coalesce(s.started_at, s.updated_at) desc, s.id desc limit ${INBOX_LIMIT}`,
      [workspaceId, userId],
    );
    const now = Date.now();
    return {
      approvals: approvals.rows.map(toApproval),
      humanSteps: steps.rows.map((r) => ({
        projectId: r.project_id,
        projectTitle: r.project_title,
        stepKey: r.step_key,
        name: r.name,
        description: r.description,
        assignedHuman: r.assigned_human,
        collaboration: r.human_collaboration_type,
        riskLevel: r.risk_level,
        dueAt: r.due_at?.toISOString() ?? null,
        overdue: r.due_at !== null && r.due_at.getTime() < now,
        lastRemindedAt: r.last_reminded_at?.toISOString() ?? null,
        waitingSince: r.waiting_since.toISOString(),
      })),
    };
  }

  private async record(db: Db, workspaceId: string, id: string): Promise<ApprovalRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await db.query<ApprovalRow>(`${APPROVAL_SELECT} where a.workspace_id = $1 and a.id = $2`, [
      workspaceId,
      id,
    ]);
    return rows[0] && toRecord(rows[0]);
  }

  private async records(db: Db, ids: string[]): Promise<ApprovalRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await db.query<ApprovalRow>(
      `${APPROVAL_SELECT} where a.id = any($1::uuid[]) order by a.requested_at, a.id`,
      [ids],
    );
    return rows.map(toRecord);
  }

  /** Why a decision updated nothing, stated with the approval's current situation. */
  private async whyUndecidable(db: PoolClient, workspaceId: string, id: string): Promise<AppError> {
    const { rows } = await db.query<{
      status: string;
      expires_at: Date | null;
      decided_at: Date | null;
      decided_by_name: string | null;
      past_expiry: boolean;
    }>(
      `select a.status, a.expires_at, a.decided_at, coalesce(u.display_name, u.email) as decided_by_name,
              (a.expires_at is not null and a.expires_at <= now()) as past_expiry
         from pending_approvals a left join users u on u.id = a.decided_by
        where a.workspace_id = $1 and a.id = $2`,
      [workspaceId, id],
    );
    const r = rows[0];
    if (!r) return notFound(id);
    if (r.status === 'expired' || (r.status === 'pending' && r.past_expiry)) {
      return new AppError(
        'approval/expired',
        `This approval expired at ${r.expires_at!.toISOString()} without a decision and was treated as rejected; it can no longer be decided.`,
      );
    }
    const by = r.decided_by_name ? ` by ${r.decided_by_name}` : '';
    return new AppError(
      'approval/already_decided',
      `This approval was already ${r.status}${by} at ${r.decided_at?.toISOString() ?? 'an earlier time'}; a decision is final.`,
    );
  }
}

const notFound = (id: string) => new AppError('approval/not_found', `Approval ${id} does not exist.`);
