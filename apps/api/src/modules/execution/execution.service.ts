import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Approval, CheckpointInfo, ProjectDetail, ProjectStatus, RecoverStepBody } from '@orchestrator/contracts';
import type { ExecutionEngine, RunContext } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { ProjectsService } from '../projects/projects.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { EXECUTION_ENGINE } from './execution.tokens.js';
import { ProjectRunner } from './runner/project-runner.js';

const PAUSED: ProjectStatus[] = [
  'paused_for_approval',
  'paused_on_error',
  'paused_for_agent_development',
  'paused_for_agent_improvement',
  'paused_by_user',
];

/** Project control (pause, resume, cancel, abort, recover, roll back) around the engine. */
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
    private readonly registry: AgentRegistryService,
    private readonly publisher: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    // Approving the plan starts the run.
    this.projectsService.onApproved(async (ctx, project) => {
      const running = await this.projects.transition(ctx.workspaceId, project.id, 'running', 'Plan approved', {
        type: 'user',
        id: ctx.userId,
      });
      await this.runner.enqueue({ workspaceId: ctx.workspaceId, projectId: project.id });
      return running;
    });
    // A decision (or an expiry) resumes the paused run.
    this.approvals.onDecided((approval, decision) => this.onDecided(approval, decision.workspaceId));
  }

  private async onDecided(approval: Approval, workspaceId: string): Promise<void> {
    // Workforce approvals (deploying a built agent, applying an improvement) are carried out by their
    // own services, which resume the project that waits on them once the change is in place.
    if (!approval.projectId || approval.kind === 'agent_creation' || approval.kind === 'agent_improvement') return;
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
      ...PAUSED.filter((p) => p !== 'paused_by_user'),
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
    const { rowCount } = await this.pool.query(
      `update project_errors set recovery_action = $4, details = details || $5::jsonb, resolved_by = $6
        where id = (select id from project_errors where workspace_id = $1 and project_id = $2 and step_key = $3 and resolved_at is null order by created_at desc limit 1)`,
      [
        req.workspaceId,
        projectId,
        stepKey,
        body.action,
        JSON.stringify({ agent: body.agent ?? null, note: body.note ?? null }),
        req.userId,
      ],
    );
    if (!rowCount)
      throw new AppError('project/invalid_transition', `Step ${stepKey} has no failure waiting for a decision.`);
    const ctx = { workspaceId: req.workspaceId, projectId };
    const summary = await this.projects.summary(req.workspaceId, projectId);
    if (summary && (summary.status === 'paused_on_error' || summary.status === 'paused_for_agent_development')) {
      await this.move(ctx, 'running', `${body.action} for step ${stepKey}`, { type: 'user', id: req.userId });
    }
    await this.runner.enqueue(ctx);
    return this.projectsService.detail(req, projectId);
  }

  async checkpoints(req: RequestContext, projectId: string): Promise<CheckpointInfo[]> {
    await this.projectsService.summary(req, projectId);
    return this.engine.checkpoints({ workspaceId: req.workspaceId, projectId });
  }

  /** Time travel: the run continues from the checkpoint once resumed; later history is kept. */
  async rollback(
    req: RequestContext,
    projectId: string,
    checkpointId: string,
    mode: 'rollback' | 'fork',
  ): Promise<ProjectDetail> {
    const project = await this.projectsService.summary(req, projectId);
    if (!PAUSED.includes(project.status))
      throw new AppError(
        'project/invalid_transition',
        `Pause "${project.title}" before rolling it back (it is ${project.status.replace(/_/g, ' ')}).`,
      );
    const ctx = { workspaceId: req.workspaceId, projectId };
    const target = (await this.engine.checkpoints(ctx, 1000)).find((c) => c.checkpointId === checkpointId);
    if (!target) throw new AppError('request/not_found', `Checkpoint ${checkpointId} does not exist for this project.`);
    await this.engine.rollback(ctx, checkpointId);
    await this.repository.resetSteps(req.workspaceId, projectId, target.completedSteps);
    await this.pool.query(
      `insert into audit_log (workspace_id, actor_type, actor, action, target_type, target_id, project_id, mode, result, details)
       values ($1, 'user', $2, $3, 'project', $4, $4::uuid, 'manual', 'success', $5)`,
      [req.workspaceId, req.userId, `project.${mode}`, projectId, JSON.stringify({ checkpointId })],
    );
    if (project.status !== 'paused_by_user')
      await this.move(ctx, 'paused_by_user', `Rolled back to checkpoint ${checkpointId}; resume to continue.`, {
        type: 'user',
        id: req.userId,
      });
    return this.projectsService.detail(req, projectId);
  }
}
