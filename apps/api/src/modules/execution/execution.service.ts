import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  PAUSED_STATUSES,
  type Approval,
  type ProjectDetail,
  type ProjectStatus,
  type RecoverStepBody,
} from '@orchestrator/contracts';
import type { ExecutionEngine } from '@orchestrator/core';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AgentBuildsService } from '../agent-builds/agent-builds.service.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { ApprovalsRepository } from '../approvals/approvals.repository.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { ProjectsService } from '../projects/projects.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { EXECUTION_ENGINE } from './execution.tokens.js';
import { ProjectReporter } from './project-reporter.js';
import { ProjectRunner } from './runner/project-runner.js';

/** Project control (pause, resume, cancel, abort, recover) around the engine; time travel is TimeTravelService. */
@Injectable()
export class ExecutionService implements OnModuleInit {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EXECUTION_ENGINE) private readonly engine: ExecutionEngine,
    private readonly runner: ProjectRunner,
    private readonly repository: ExecutionRepository,
    private readonly projects: ProjectsRepository,
    private readonly projectsService: ProjectsService,
    private readonly approvals: ApprovalsService,
    private readonly approvalRecords: ApprovalsRepository,
    private readonly audit: AuditRepository,
    private readonly registry: AgentRegistryService,
    private readonly publisher: RealtimePublisher,
    private readonly reports: ProjectReporter,
    private readonly builds: AgentBuildsService,
  ) {}

  onModuleInit(): void {
    // Approving the plan started the project (it is `running`): its run is queued.
    this.projectsService.onApproved(async (ctx, project) => {
      await this.runner.enqueue({ workspaceId: ctx.workspaceId, projectId: project.id });
    });
  }

  /**
   * A decision (or an expiry) on an approval a project's run waits for (kinds `action`, `plan`,
   * `budget`; see ApprovalDecisionDispatcher): the paused run resumes with it.
   */
  async resumeAfterDecision(approval: Approval, workspaceId: string): Promise<void> {
    if (!approval.projectId) return;
    const summary = await this.projects.summary(workspaceId, approval.projectId);
    if (!summary) return;
    const ctx = { workspaceId, projectId: approval.projectId };
    if (summary.status === 'paused_for_approval') {
      const moved = await this.projects.transition(
        workspaceId,
        approval.projectId,
        'running',
        `Approval ${approval.status}: ${approval.stepName}`,
        { type: 'system', id: 'approvals' },
      );
      this.publisher.projectUpdated(workspaceId, moved);
    }
    if (summary.status === 'paused_for_approval' || summary.status === 'running') await this.runner.enqueue(ctx);
  }

  /**
   * Moves the project as a person asked, in one transaction with their audit entry (`action`) and
   * `also` (the rest of the change); the project's update is published after the commit.
   */
  private async control<T>(
    req: RequestContext,
    projectId: string,
    move: { to: ProjectStatus; reason: string; from?: ProjectStatus[] },
    action: string,
    also: (tx: PoolClient) => Promise<T>,
  ): Promise<T> {
    const { summary, result } = await withTransaction(this.pool, async (tx) => {
      const moved = await this.projects.transitionIn(
        tx,
        req.workspaceId,
        projectId,
        move.to,
        move.reason,
        { type: 'user', id: req.userId },
        move.from,
      );
      await this.audit.append(tx, [
        personEntry(req, action, {
          targetType: 'project',
          targetId: projectId,
          projectId,
          details: { reason: move.reason },
        }),
      ]);
      return { summary: moved, result: await also(tx) };
    });
    this.publisher.projectUpdated(req.workspaceId, summary);
    return result;
  }

  /** Steps in progress finish; no other step starts (at once in this process, at the next batch in another). */
  async pause(req: RequestContext, projectId: string, reason?: string): Promise<ProjectDetail> {
    const ctx = { workspaceId: req.workspaceId, projectId };
    await this.control(
      req,
      projectId,
      {
        to: 'paused_by_user',
        reason: reason ?? 'Paused by a person',
        from: ['running', ...PAUSED_STATUSES.filter((p) => p !== 'paused_by_user')],
      },
      'project.pause',
      async () => undefined,
    );
    this.engine.pause(ctx);
    return this.projectsService.detail(req, projectId);
  }

  async resume(req: RequestContext, projectId: string, reason?: string): Promise<ProjectDetail> {
    const ctx = { workspaceId: req.workspaceId, projectId };
    await this.control(
      req,
      projectId,
      { to: 'running', reason: reason ?? 'Resumed by a person', from: ['paused_by_user'] },
      'project.resume',
      async () => undefined,
    );
    await this.runner.enqueue(ctx);
    return this.projectsService.detail(req, projectId);
  }

  /**
   * Cancel and abort both end the project (`aborted`): in one transaction, unfinished steps are
   * cancelled, pending approvals withdrawn and the agent builds it started that have not ended
   * cancelled with the reason; then a run of it in this process stops at once
   * (steps in progress are interrupted, LLM calls aborted; a run in another process stops at its
   * next batch).
   */
  async stop(
    req: RequestContext,
    projectId: string,
    kind: 'cancel' | 'abort',
    reason?: string,
  ): Promise<ProjectDetail> {
    const ctx = { workspaceId: req.workspaceId, projectId };
    const why = reason ?? (kind === 'cancel' ? 'Cancelled by a person' : 'Aborted by a person');
    const { steps, withdrawn, builds, report } = await this.control(
      req,
      projectId,
      { to: 'aborted', reason: why },
      `project.${kind}`,
      async (tx) => {
        const steps = await this.repository.cancelUnfinished(tx, req.workspaceId, projectId);
        return {
          steps,
          builds: await this.builds.cancelForProjectIn(
            tx,
            req,
            projectId,
            `The project was ${kind === 'cancel' ? 'cancelled' : 'aborted'}: ${why}`,
          ),
          withdrawn: await this.approvalRecords.cancelForProject(
            req.workspaceId,
            projectId,
            'The project was stopped.',
            tx,
          ),
          // Reported in the project's conversation with the stop itself: one commit, one message.
          report: await this.reports.writeIn(tx, req.workspaceId, projectId),
        };
      },
    );
    this.engine.cancel(ctx);
    for (const step of steps) this.publisher.stepUpdated(req.workspaceId, projectId, step);
    if (report) this.publisher.messageCreated(req.workspaceId, report);
    await this.approvals.announceWithdrawn(
      req.workspaceId,
      withdrawn.map((r) => r.approval),
    );
    await this.builds.projectStopped(builds);
    return this.projectsService.detail(req, projectId);
  }

  /**
   * A person's answer to a step that failed for good: stored with their audit entry (and the
   * project running again) in one transaction, then the run goes on.
   */
  async recover(
    req: RequestContext,
    projectId: string,
    stepKey: string,
    body: RecoverStepBody,
  ): Promise<ProjectDetail> {
    if (body.action === 'reassign' && !this.registry.current().get(body.agent!)) {
      throw new AppError('request/invalid', `Invalid body: agent: no agent named ${body.agent}`, [
        { path: 'agent', message: 'unknown agent' },
      ]);
    }
    const answer = { action: body.action, agent: body.agent ?? null, note: body.note ?? null };
    const moved = await withTransaction(this.pool, async (tx) => {
      const project = await this.projects.lockIn(tx, req.workspaceId, projectId);
      const recorded = await this.repository.recordRecovery(tx, req.workspaceId, projectId, stepKey, {
        ...answer,
        userId: req.userId,
      });
      if (!recorded)
        throw new AppError('project/invalid_transition', `Step ${stepKey} has no failure waiting for a decision.`);
      await this.audit.append(tx, [
        personEntry(req, 'step.recover', {
          targetType: 'project_step',
          targetId: stepKey,
          projectId,
          stepKey,
          details: answer,
        }),
      ]);
      if (project.status !== 'paused_on_error' && project.status !== 'paused_for_agent_development') return undefined;
      const reason = `${body.action} for step ${stepKey}`;
      return this.projects.transitionIn(tx, req.workspaceId, projectId, 'running', reason, {
        type: 'user',
        id: req.userId,
      });
    });
    if (moved) this.publisher.projectUpdated(req.workspaceId, moved);
    await this.runner.enqueue({ workspaceId: req.workspaceId, projectId });
    return this.projectsService.detail(req, projectId);
  }
}
