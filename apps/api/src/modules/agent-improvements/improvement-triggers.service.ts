import { acrossWorkspaces, inWorkspace } from '@orchestrator/db';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Approval } from '@orchestrator/contracts';
import { isAppError } from '../../common/app-error.js';
import { DelegationRatings, type RatedDelegation } from '../delegations/delegation-ratings.js';
import { IMPROVEMENT_OPTIONS, type ImprovementOptions } from './agent-improvements.options.js';
import { AgentImprovementsRepository } from './agent-improvements.repository.js';
import { AgentImprovementsService, type ProposeInput } from './agent-improvements.service.js';
import { ImprovementEvidenceRepository } from './improvement-evidence.repository.js';

/** Ratings at or below this start a proposal. */
export const LOW_RATING = 2;

/**
 * What starts an improvement besides the chat (docs/workforce.md#where-a-proposal-comes-from): a
 * low rating, a reviewer rejecting a step an agent was to run, and a periodic look at error rates. Each goes through
 * `AgentImprovementsService.propose`, which keeps one open proposal per agent.
 */
@Injectable()
export class ImprovementTriggersService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ImprovementTriggers');
  private readonly unsubscribe: Array<() => void> = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private checking?: Promise<unknown>;

  constructor(
    @Inject(IMPROVEMENT_OPTIONS) private readonly options: ImprovementOptions,
    private readonly improvements: AgentImprovementsService,
    private readonly repository: AgentImprovementsRepository,
    private readonly evidence: ImprovementEvidenceRepository,
    private readonly ratings: DelegationRatings,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(this.ratings.onRated((r) => this.onRated(r)));
    if (this.options.checkIntervalMs > 0) {
      this.timer = setInterval(() => {
        if (!this.checking) this.checking = this.checkErrorRates().finally(() => (this.checking = undefined));
      }, this.options.checkIntervalMs);
      // The check alone must not keep the process alive.
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    for (const off of this.unsubscribe) off();
    await Promise.allSettled([...this.inFlight, this.checking]);
  }

  /** Waits for proposals started by triggers (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** A rating of 1–2: the comment is the feedback; without one, only the evidence can say what to change. */
  private onRated(r: RatedDelegation): void {
    if (r.delegation.rating === null || r.delegation.rating > LOW_RATING) return;
    const rating = r.delegation.rating;
    this.start({
      workspaceId: r.workspaceId,
      agentName: r.delegation.agent,
      triggerType: r.comment ? 'user_feedback' : 'performance_metrics',
      feedback:
        r.comment ?? `A person rated one of ${r.delegation.agentTitle}'s answers ${rating}/5 without a comment.`,
      details: { source: 'rating', delegationId: r.delegation.id, rating, userId: r.userId },
    });
  }

  /**
   * A reviewer rejected a step an agent was to run (kind `action`, see ApprovalDecisionDispatcher),
   * and said why: that is feedback on the agent.
   */
  onRejectedStep(approval: Approval, workspaceId: string): void {
    if (approval.status !== 'rejected' || !approval.agentName || !approval.decisionNotes?.trim()) return;
    this.start({
      workspaceId,
      agentName: approval.agentName,
      triggerType: 'project_failure',
      feedback: approval.decisionNotes.trim(),
      projectId: approval.projectId,
      details: {
        source: 'rejected_approval',
        approvalId: approval.id,
        projectId: approval.projectId,
        stepKey: approval.stepKey,
        step: approval.stepName,
        decidedBy: approval.decidedBy,
      },
    });
  }

  /**
   * Agents whose last tasks failed too often (e.g. ≥ 5 tasks and ≥ 40 % failures) get a
   * proposal, at most once per cooldown. Returns the agents proposed for.
   */
  async checkErrorRates(workspaceId?: string): Promise<string[]> {
    const proposed: string[] = [];
    const o = this.options;
    const workspaces = workspaceId
      ? [workspaceId]
      : await acrossWorkspaces("list workspaces for the agents' error rates", () => this.evidence.workspaces());
    for (const ws of workspaces) {
      const failing = await inWorkspace(ws, () =>
        this.evidence.failingAgents(ws, o.taskWindow, o.minTasks, o.minFailureRate),
      );
      for (const f of failing) {
        const since = new Date(Date.now() - o.cooldownMs);
        if (await inWorkspace(ws, () => this.repository.triggeredSince(ws, f.agentName, 'performance_metrics', since)))
          continue;
        const share = Math.round((f.failed / f.total) * 100);
        const ok = await this.propose({
          workspaceId: ws,
          agentName: f.agentName,
          triggerType: 'performance_metrics',
          feedback: `${f.failed} of the last ${f.total} tasks failed (${share} %).`,
          details: { source: 'error_rate', tasks: f.total, failures: f.failed, failureRate: f.failed / f.total },
        });
        if (ok) proposed.push(f.agentName);
      }
    }
    return proposed;
  }

  /** In the background: a trigger must not hold up the rating or decision that caused it. */
  private start(input: ProposeInput): void {
    const p = this.propose(input);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async propose(input: ProposeInput): Promise<boolean> {
    try {
      const { created } = await inWorkspace(input.workspaceId, () => this.improvements.propose(input));
      return created;
    } catch (err) {
      // An agent that is retired or unknown simply gets no proposal.
      if (isAppError(err) && err.code === 'agent/not_found') return false;
      this.logger.error({ err, agent: input.agentName }, 'improvement trigger failed');
      return false;
    }
  }
}
