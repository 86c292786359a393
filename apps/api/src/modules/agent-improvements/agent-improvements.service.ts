import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PostgresCheckpointSaver } from '@orchestrator/checkpoint-postgres';
import type { AgentImprovement, Approval } from '@orchestrator/contracts';
import {
  AgentImprovementRunner,
  KeyedLock,
  redactedMessage,
  type ChatImprovementRequest,
  type ChatImprovementResult,
  type ImprovementTriggerType,
  type LlmProvider,
} from '@orchestrator/core';
import { acrossWorkspaces, inWorkspace, type Pool } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { LLM_PROVIDER, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { AgentWorkspaceService } from '../agents/agent-workspace.service.js';
import type { DecisionContext } from '../approvals/approvals.rows.js';
import { ApprovalsRepository } from '../approvals/approvals.repository.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { IMPROVEMENT_OPTIONS, type ImprovementOptions } from './agent-improvements.options.js';
import { AgentImprovementsRepository, type ImprovementRecord } from './agent-improvements.repository.js';
import { ImprovementEvidenceRepository } from './improvement-evidence.repository.js';
import { improvementAgents, improvementStore } from './improvement-ports.js';

export interface ProposeInput {
  workspaceId: string;
  agentName: string;
  triggerType: ImprovementTriggerType;
  feedback: string;
  /** Stored as the trigger's details (the rating, the rejected approval, the metric…). */
  details?: Record<string, unknown>;
  conversationId?: string | null;
  projectId?: string | null;
  /** The person who asked for it, in the Workforce view or the chat: the proposal is audited as theirs. */
  proposedBy?: string | null;
}

/**
 * IMPROVE_AGENT (docs/workforce.md#approval-apply-restore): opens one proposal per agent at a time,
 * runs the agent-improvement graph to the approval, resumes it with the decision, and restores the
 * previous version in one click. Triggers (chat, ratings, rejected steps, error rates) all come
 * through `propose`.
 */
@Injectable()
export class AgentImprovementsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AgentImprovements');
  private readonly runner: AgentImprovementRunner;
  /** start and resume of one improvement never overlap: a fast decision waits for the interrupt. */
  private readonly lock = new KeyedLock();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(LLM_PROVIDER) llm: LlmProvider,
    @Inject(IMPROVEMENT_OPTIONS) private readonly options: ImprovementOptions,
    private readonly repository: AgentImprovementsRepository,
    private readonly evidence: ImprovementEvidenceRepository,
    private readonly registry: AgentRegistryService,
    private readonly workspace: AgentWorkspaceService,
    private readonly approvals: ApprovalsService,
    private readonly approvalRecords: ApprovalsRepository,
    private readonly publisher: RealtimePublisher,
  ) {
    this.runner = new AgentImprovementRunner({
      llm,
      checkpointer: new PostgresCheckpointSaver(pool),
      agents: improvementAgents(registry, workspace),
      store: improvementStore(repository, approvals, registry, workspace, publisher),
    });
  }

  /** Decisions taken while this process was down (or whose resume it lost) are carried out now. */
  async onApplicationBootstrap(): Promise<void> {
    const waiting = await acrossWorkspaces('resume decided improvements', () => this.repository.decidedButWaiting());
    for (const w of waiting)
      await inWorkspace(w.workspaceId, async () => {
        const found = await this.approvalRecords.get(w.workspaceId, w.approvalId);
        if (found)
          this.track(
            this.resume(w.workspaceId, w.improvementId, {
              approval: found.approval,
              decidedByUserId: found.context.decidedByUserId,
            }),
          );
      });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Waits for resumes started by decisions (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Proposes a change from a trigger, or returns the agent's open proposal (`created: false`).
   * Resolves when the proposal waits for approval or has ended (nothing to change, agent gone).
   */
  async propose(input: ProposeInput): Promise<{ record: ImprovementRecord; created: boolean }> {
    if (!this.registry.current().get(input.agentName))
      throw new AppError('agent/not_found', `Agent ${input.agentName} does not exist or is not active.`);
    const { record, created } = await this.repository.open({
      workspaceId: input.workspaceId,
      agentName: input.agentName,
      triggerType: input.triggerType,
      triggerDetails: { feedback: input.feedback, ...input.details },
      conversationId: input.conversationId,
      projectId: input.projectId,
      proposedBy: input.proposedBy,
    });
    if (!created) return { record, created };
    const ctx = { workspaceId: input.workspaceId, improvementId: record.improvement.id };
    this.publisher.agentImprovementUpdated(ctx.workspaceId, record.improvement);
    await this.workspace
      .setLifecycle(ctx.workspaceId, input.agentName, 'being_improved')
      .catch((err: unknown) => this.logger.warn({ err }, 'could not mark the agent being_improved'));
    try {
      const evidence = await this.evidence.evidence(ctx.workspaceId, input.agentName, this.options.taskWindow);
      await this.lock.run(ctx.improvementId, () =>
        this.runner.start(ctx, {
          agentName: input.agentName,
          triggerType: input.triggerType,
          feedback: input.feedback,
          evidence,
        }),
      );
    } catch (err) {
      // Never leave an open proposal that nothing will ever move: it would block the agent's next one.
      this.logger.error({ err, improvementId: ctx.improvementId }, 'improvement proposal failed');
      await improvementStore(this.repository, this.approvals, this.registry, this.workspace, this.publisher).finish(
        ctx,
        { status: 'failed', reason: `The proposal could not be made: ${redactedMessage(err)}` },
      );
    }
    return { record: (await this.repository.get(ctx.workspaceId, ctx.improvementId))!, created };
  }

  /** The conversation graph's port: feedback from the chat. */
  async proposeFromChat(r: ChatImprovementRequest): Promise<ChatImprovementResult> {
    const { record, created } = await this.propose({
      workspaceId: r.workspaceId,
      agentName: r.agentName,
      triggerType: 'user_feedback',
      feedback: r.feedback,
      conversationId: r.conversationId,
      details: { source: 'chat', userId: r.userId },
      proposedBy: r.userId,
    });
    const i = record.improvement;
    if (!created) return { kind: 'already_open', improvementId: i.id, approvalId: i.approvalId, reason: i.reason };
    if (i.status === 'pending_approval' && i.approvalId)
      return {
        kind: 'proposed',
        improvementId: i.id,
        approvalId: i.approvalId,
        reason: i.reason,
        diff: i.diff,
        source: record.source,
      };
    return { kind: 'ended', improvementId: i.id, reason: i.reason };
  }

  async list(ctx: RequestContext, agentName: string): Promise<AgentImprovement[]> {
    return (await this.repository.list(ctx.workspaceId, agentName)).map((r) => r.improvement);
  }

  async get(ctx: RequestContext, id: string): Promise<AgentImprovement> {
    const record = await this.repository.get(ctx.workspaceId, id);
    if (!record) throw new AppError('improvement/not_found', `Improvement ${id} does not exist.`);
    return record.improvement;
  }

  /**
   * One click: the version before the improvement becomes the newest version again (history is
   * never rewritten), and the improvement is marked rolled back in the same transaction. Refused
   * when the agent was changed after the improvement: restoring would silently drop that later
   * change, so the person picks from the version history instead.
   */
  async restore(ctx: RequestContext, id: string, authorName: string): Promise<AgentImprovement> {
    const record = await this.repository.get(ctx.workspaceId, id);
    if (!record) throw new AppError('improvement/not_found', `Improvement ${id} does not exist.`);
    const i = record.improvement;
    if (i.status !== 'applied' || !record.backup || i.newVersion === null) {
      throw new AppError(
        'improvement/not_applied',
        `Improvement ${id} is ${i.status.replace(/_/g, ' ')}, so there is nothing to restore; only an applied improvement can be rolled back.`,
      );
    }
    await this.workspace.restore(
      ctx.workspaceId,
      i.agentName,
      {
        version: record.backup.version,
        baseVersion: i.newVersion,
        message: `Rolled back improvement ${id}: restored version ${record.backup.version}`,
      },
      { type: 'user', name: authorName, userId: ctx.userId },
      {
        action: 'improvement.restore',
        details: { improvementId: id },
        within: async (db, version) => {
          if (!(await this.repository.markRolledBack(db, ctx.workspaceId, id, version)))
            throw new AppError(
              'improvement/not_applied',
              `Improvement ${id} was rolled back by someone else meanwhile.`,
            );
        },
      },
    );
    const rolled = (await this.repository.get(ctx.workspaceId, id))!;
    this.publisher.agentImprovementUpdated(ctx.workspaceId, rolled.improvement);
    return rolled.improvement;
  }

  /** A decision on an improvement (kind `agent_improvement`, see ApprovalDecisionDispatcher). */
  carryOutDecision(approval: Approval, context: DecisionContext): void {
    // Kept short (the decision's HTTP response waits for listeners): the apply runs in the background.
    this.track(
      this.repository.byApproval(context.workspaceId, approval.id).then((record) => {
        if (record)
          return this.resume(context.workspaceId, record.improvement.id, {
            approval,
            decidedByUserId: context.decidedByUserId,
          });
      }),
    );
  }

  private async resume(
    workspaceId: string,
    improvementId: string,
    d: { approval: Approval; decidedByUserId: string | null },
  ): Promise<void> {
    const approved = d.approval.status === 'approved';
    const ctx = { workspaceId, improvementId };
    await this.lock.run(improvementId, async () => {
      if (approved) {
        const record = await this.repository.markApproved(workspaceId, improvementId, d.decidedByUserId);
        this.publisher.agentImprovementUpdated(workspaceId, record.improvement);
      }
      const notes =
        d.approval.status === 'expired'
          ? `the approval expired${d.approval.decisionNotes ? ` (${d.approval.decisionNotes})` : ''}`
          : d.approval.decisionNotes;
      await this.runner.resume(ctx, {
        decision: approved ? 'approve' : 'reject',
        notes,
        decidedBy: d.approval.decidedBy,
      });
    });
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => this.logger.error({ err }, 'improvement decision failed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
