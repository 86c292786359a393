import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  PAUSED_STATUSES,
  type Approval,
  type ProjectDetail,
  type ProjectStatus,
  type RecoverStepBody,
} from '@orchestrator/contracts';
import type { ExecutionEngine, RunContext } from '@orchestrator/core';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { ProjectsService } from '../projects/projects.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { EXECUTION_ENGINE } from './execution.tokens.js';
import { ProjectRunner } from './runner/project-runner.js';

/** Project control (pause, resume, cancel, abort, recover) around the engine; time travel is TimeTravelService. */
@Injectable()
export class ExecutionService implements OnModuleInit {
  constructor(
    @Inject(EXECUTION_ENGINE) private readonly engine: ExecutionEngine,
    private readonly runner: ProjectRunner,
    private readonly repository: ExecutionRepository,
    private readonly projects: ProjectsRepository,
    private readonly projectsService: ProjectsService,
    private readonly approvals: ApprovalsService,
    private readonly registry: AgentRegistryService,
    private readonly publisher: RealtimePublisher,
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
    if (summary.status === 'paused_for_approval')
      await this.move(ctx, 'running', `Approval ${approval.status}: ${approval.stepName}`, {
        type: 'system',
        id: 'approvals',
      });
    if (summary.status === 'paused_for_approval' || summary.status === 'running') await this.runner.enqueue(ctx);
  }

  private async move(
    ctx: RunContext,
    to: ProjectStatus,
    reason: string,
    actor: { type: 'user' | 'system'; id: string },
    from?: ProjectStatus[],
  ) {
    const summary = await this.projects.transition(ctx.workspaceId, ctx.projectId, to, reason, actor, from);
    this.publisher.projectUpdated(ctx.workspaceId, summary);
    return summary;
  }

  /** Steps in progress finish; no other step starts (at once in this process, at the next batch in another). */
  async pause(req: RequestContext, projectId: string, reason?: string): Promise<ProjectDetail> {
    const ctx = { workspaceId: req.workspaceId, projectId };
    await this.move(ctx, 'paused_by_user', reason ?? 'Paused by a person', { type: 'user', id: req.userId }, [
      'running',
      ...PAUSED_STATUSES.filter((p) => p !== 'paused_by_user'),
    ]);
    this.engine.pause(ctx);
    return this.projectsService.detail(req, projectId);
  }

  async resume(req: RequestContext, projectId: string, reason?: string): Promise<ProjectDetail> {
    const ctx = { workspaceId: req.workspaceId, projectId };
    await this.move(ctx, 'running', reason ?? 'Resumed by a person', { type: 'user', id: req.userId }, [
      'paused_by_user',
    ]);
    await this.runner.enqueue(ctx);
    return this.projectsService.detail(req, projectId);
  }

  /**
   * Cancel and abort both end the project (`aborted`): a run of it in this process stops at once
   * (steps in progress are interrupted, LLM calls aborted; a run in another process stops at its
   * next batch), unfinished steps are cancelled and pending approvals withdrawn.
   */
  async stop(
    req: RequestContext,
    projectId: string,
    kind: 'cancel' | 'abort',
    reason?: string,
  ): Promise<ProjectDetail> {
    const ctx = { workspaceId: req.workspaceId, projectId };
    await this.move(ctx, 'aborted', reason ?? (kind === 'cancel' ? 'Cancelled by a person' : 'Aborted by a person'), {
      type: 'user',
      id: req.userId,
    });
    this.engine.cancel(ctx);
    await this.repository.cancelUnfinished(req.workspaceId, projectId);
    await this.approvals.cancelForProject(req.workspaceId, projectId, 'The project was stopped.');
    return this.projectsService.detail(req, projectId);
  }

  /** A person's answer to a step that failed for good: stored, then the run goes on. */
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
    const recorded = await this.repository.recordRecovery(req.workspaceId, projectId, stepKey, {
      action: body.action,
      agent: body.agent ?? null,
      note: body.note ?? null,
      userId: req.userId,
    });
    if (!recorded)
      throw new AppError('project/invalid_transition', `Step ${stepKey} has no failure waiting for a decision.`);
    const ctx = { workspaceId: req.workspaceId, projectId };
    const summary = await this.projects.summary(req.workspaceId, projectId);
    if (summary && (summary.status === 'paused_on_error' || summary.status === 'paused_for_agent_development')) {
      await this.move(ctx, 'running', `${body.action} for step ${stepKey}`, { type: 'user', id: req.userId });
    }
    await this.runner.enqueue(ctx);
    return this.projectsService.detail(req, projectId);
  }
}
