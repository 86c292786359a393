import { acrossWorkspaces, inWorkspace } from '@orchestrator/db';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { needsApproval } from '@orchestrator/core';
import type {
  Approval,
  ApprovalDetail,
  ApprovalListQuery,
  ApproveRemainingBody,
  ApproveRemainingResult,
  UpcomingApproval,
  ApprovalPage,
  BulkDecideBody,
  BulkDecideResult,
  DecideApprovalBody,
  Inbox,
} from '@orchestrator/contracts';
import { AppError, isAppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { APPROVALS_OPTIONS, type ApprovalsOptions } from './approvals.options.js';
import { ApprovalsRepository } from './approvals.repository.js';
import type { ApprovalRecord, DecisionContext, NewApproval } from './approvals.rows.js';
import {
  StandingApprovalsRepository,
  withinStanding,
  type ProjectApprovalContext,
} from './standing-approvals.repository.js';

/** How many of a project's coming approvals an approval's detail lists. */
const UPCOMING_LIMIT = 10;

/**
 * Called once per approval that left `pending` in this process (approved, rejected, or expired —
 * which the run treats as a rejection), after the change committed. Keep it quick (enqueue the
 * resume): it runs before the HTTP response of the decision. Errors are logged, never surfaced to
 * the person who decided, since their decision already stands.
 */
export type DecisionListener = (approval: Approval, context: DecisionContext) => Promise<void> | void;

/** Called for each approval withdrawn because its project was stopped (status `cancelled`). */
export type WithdrawalListener = (approval: Approval, workspaceId: string) => Promise<void> | void;

export interface SweepResult {
  expired: Approval[];
  escalated: Approval[];
}

/** Only admins and approvers may decide; members and viewers can see the queue. */

@Injectable()
export class ApprovalsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ApprovalsService');
  private readonly listeners = new Set<DecisionListener>();
  private readonly withdrawalListeners = new Set<WithdrawalListener>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<SweepResult>;

  constructor(
    private readonly repository: ApprovalsRepository,
    private readonly publisher: RealtimePublisher,
    @Inject(APPROVALS_OPTIONS) private readonly options: ApprovalsOptions,
    private readonly standing: StandingApprovalsRepository,
  ) {}

  onModuleInit(): void {
    if (this.options.sweepIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      // A tick during a slow sweep is skipped rather than queued behind it.
      if (!this.sweeping) this.sweepSoon();
    }, this.options.sweepIntervalMs);
    // The sweeper alone must not keep the process alive.
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    // Let a running sweep finish its transaction and notifications before the pool closes.
    await this.sweeping?.catch(() => undefined);
  }

  /**
   * Registers a listener; returns the function that removes it. The application has one,
   * ApprovalDecisionDispatcher, which carries out each decision by kind.
   */
  onDecided(listener: DecisionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a listener for approvals withdrawn with their project; returns the remover. */
  onWithdrawn(listener: WithdrawalListener): () => void {
    this.withdrawalListeners.add(listener);
    return () => this.withdrawalListeners.delete(listener);
  }

  /**
   * For the execution engine: raises (or, on a re-run node, finds) the approval of a paused step
   * and announces it once. To create it inside the engine's own transaction instead, call
   * `ApprovalsRepository.create(input, db)` and then `announce()` after that transaction commits.
   */
  async request(input: NewApproval): Promise<Approval> {
    const { approval, created } = await this.repository.create(input);
    // One approved by the project's standing approval as it was raised is announced as decided:
    // the queues show it among the decided ones and nobody is asked.
    if (created && approval.status === 'pending') this.publisher.approvalRequested(input.workspaceId, approval);
    else if (created) this.publisher.approvalDecided(input.workspaceId, approval);
    return approval;
  }

  /** Emits `approval.requested` for an approval created in a caller's transaction, after its commit. */
  announce(workspaceId: string, approval: Approval): void {
    this.publisher.approvalRequested(workspaceId, approval);
  }

  /**
   * Withdraws a stopped project's pending approvals and updates the queues. Decision listeners are
   * not called (the run that asked is being stopped, not resumed); withdrawal listeners are, so
   * work that waited on an approval outside the run (an agent build) stops too.
   */
  async cancelForProject(workspaceId: string, projectId: string, reason: string): Promise<Approval[]> {
    const approvals = (await this.repository.cancelForProject(workspaceId, projectId, reason)).map((r) => r.approval);
    await this.announceWithdrawn(workspaceId, approvals);
    return approvals;
  }

  /**
   * The queues' update and the withdrawal listeners for approvals withdrawn in a caller's
   * transaction (`ApprovalsRepository.cancelForProject(…, db)`), after its commit.
   */
  async announceWithdrawn(workspaceId: string, approvals: Approval[]): Promise<void> {
    for (const approval of approvals) {
      this.publisher.approvalDecided(workspaceId, approval);
      for (const listener of this.withdrawalListeners) {
        try {
          await listener(approval, workspaceId);
        } catch (err) {
          this.logger.error({ err, approvalId: approval.id }, 'approval withdrawal listener failed');
        }
      }
    }
  }

  list(ctx: RequestContext, query: ApprovalListQuery): Promise<ApprovalPage> {
    return this.repository.list(ctx.workspaceId, query);
  }

  async get(ctx: RequestContext, id: string): Promise<Approval> {
    const record = await this.repository.get(ctx.workspaceId, id);
    if (!record) throw new AppError('approval/not_found', `Approval ${id} does not exist.`);
    return record.approval;
  }

  /** One approval with what a person needs to decide it: its inputs, who asked, what comes next. */
  async detail(ctx: RequestContext, id: string): Promise<ApprovalDetail> {
    const approval = await this.get(ctx, id);
    const base = { ...approval, requestedBy: null, autonomy: null, inputs: [], upcoming: [], standing: null };
    if (!approval.projectId) return base;
    const project = await this.standing.projectContext(ctx.workspaceId, approval.projectId);
    if (!project) return base;
    const inputs = approval.stepKey
      ? await this.standing.inputs(ctx.workspaceId, approval.projectId, approval.stepKey)
      : [];
    const autonomy =
      project.autonomyLevel ??
      (approval.department ? project.policies[approval.department] : undefined) ??
      'semi_autonomous';
    return {
      ...approval,
      requestedBy: project.requestedBy,
      autonomy,
      inputs,
      upcoming: await this.upcoming(ctx.workspaceId, approval.projectId, project, approval.stepKey),
      standing: project.standing,
    };
  }

  /**
   * "Approve the remaining steps of this project at this risk or below": approves what waits now
   * and gives the standing approval that approves later steps as they are reached. Critical steps,
   * approval checkpoints and steps a named person must approve still wait for a decision of their own.
   */
  async approveRemaining(
    ctx: RequestContext,
    projectId: string,
    body: ApproveRemainingBody,
  ): Promise<ApproveRemainingResult> {
    const { standing, approved } = await this.standing.approveRemaining(
      ctx.workspaceId,
      projectId,
      body.maxRisk,
      body.notes ?? null,
      ctx.userId,
    );
    for (const record of approved) await this.decided(record);
    const project = await this.standing.projectContext(ctx.workspaceId, projectId);
    return {
      standing,
      approved: approved.map((r) => r.approval),
      upcoming: project ? await this.upcoming(ctx.workspaceId, projectId, project, null) : [],
    };
  }

  /** The project's next steps that will wait for a person (at most UPCOMING_LIMIT), and which the standing approval covers. */
  private async upcoming(
    workspaceId: string,
    projectId: string,
    project: ProjectApprovalContext,
    exceptStepKey: string | null,
  ): Promise<UpcomingApproval[]> {
    const steps = await this.standing.notStarted(workspaceId, projectId);
    const result: UpcomingApproval[] = [];
    for (const step of steps) {
      if (step.stepKey === exceptStepKey) continue;
      const autonomy =
        project.autonomyLevel ?? (step.department ? project.policies[step.department] : undefined) ?? 'semi_autonomous';
      // A new agent asks for its own approval (the drafted agent) whatever the autonomy.
      const waits = step.type === 'build_agent' || needsApproval(step, autonomy);
      if (!waits) continue;
      const individual =
        step.type === 'build_agent' ||
        step.type === 'human_approval' ||
        step.collaboration === 'approval' ||
        step.riskLevel === 'critical';
      result.push({
        stepKey: step.stepKey,
        stepName: step.name,
        agentName: step.agentName,
        riskLevel: step.riskLevel,
        individual,
        covered: !individual && project.standing !== null && withinStanding(step.riskLevel, project.standing.maxRisk),
      });
      if (result.length === UPCOMING_LIMIT) break;
    }
    return result;
  }

  async decide(ctx: RequestContext, id: string, body: DecideApprovalBody): Promise<Approval> {
    try {
      const record = await this.repository.decide(ctx.workspaceId, id, body.decision, body.notes ?? null, ctx.userId);
      await this.decided(record);
      return record.approval;
    } catch (err) {
      // Past its expiry but not yet swept: expire it now, so the paused run learns without waiting a tick.
      if (isAppError(err) && err.code === 'approval/expired') this.sweepSoon();
      throw err;
    }
  }

  /** Each id on its own: one approval already decided does not stop the others. */
  async bulkDecide(ctx: RequestContext, body: BulkDecideBody): Promise<BulkDecideResult> {
    const results: BulkDecideResult['results'] = [];
    for (const id of body.ids) {
      try {
        const record = await this.repository.decide(ctx.workspaceId, id, body.decision, body.notes ?? null, ctx.userId);
        await this.decided(record);
        results.push({ id, ok: true, approval: record.approval });
      } catch (err) {
        if (!isAppError(err)) this.logger.error({ err, approvalId: id }, 'bulk decision failed');
        const error = isAppError(err)
          ? { code: err.code, message: err.message }
          : { code: 'internal/error', message: 'Internal error. The details are in the server log.' };
        results.push({ id, ok: false, error });
      }
    }
    return { results };
  }

  inbox(ctx: RequestContext): Promise<Inbox> {
    return this.repository.inbox(ctx.workspaceId, ctx.userId);
  }

  /**
   * Expires what is past due (listeners hear of it as a decision), then escalates what has waited
   * too long at its level. Sweeps of this process run one after another, never interleaved.
   */
  sweep(now: Date = new Date()): Promise<SweepResult> {
    const run = (this.sweeping ?? Promise.resolve()).catch(() => undefined).then(() => this.runSweep(now));
    this.sweeping = run;
    void run
      .finally(() => {
        if (this.sweeping === run) this.sweeping = undefined;
      })
      .catch(() => undefined);
    return run;
  }

  private async runSweep(now: Date): Promise<SweepResult> {
    const expired = await acrossWorkspaces('expire approvals', () => this.repository.expireDue(now));
    // Each expiry is carried out in its own workspace, as a person's decision would be.
    for (const record of expired) await inWorkspace(record.context.workspaceId, () => this.decided(record));
    const escalated = await acrossWorkspaces('escalate approvals', () =>
      this.repository.escalateDue(now, this.options.escalationTimeoutMinutes),
    );
    // After commit: the queue, the inbox of the person now responsible and the badge follow it live.
    for (const record of escalated) this.publisher.approvalEscalated(record.context.workspaceId, record.approval);
    if (expired.length || escalated.length)
      this.logger.log({ expired: expired.length, escalated: escalated.length }, 'approvals swept');
    return { expired: expired.map((r) => r.approval), escalated: escalated.map((r) => r.approval) };
  }

  private sweepSoon(): void {
    this.sweep().catch((err: unknown) => this.logger.error({ err }, 'approvals sweep failed'));
  }

  /** After commit: tell the browsers, then the engine. */
  private async decided({ approval, context }: ApprovalRecord): Promise<void> {
    this.publisher.approvalDecided(context.workspaceId, approval);
    for (const listener of this.listeners) {
      try {
        await listener(approval, context);
      } catch (err) {
        this.logger.error({ err, approvalId: approval.id }, 'approval decision listener failed');
      }
    }
  }
}
