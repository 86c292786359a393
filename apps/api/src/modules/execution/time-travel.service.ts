import { Inject, Injectable } from '@nestjs/common';
import { PAUSED_STATUSES, type CheckpointInfo, type ProjectDetail } from '@orchestrator/contracts';
import type { ExecutionEngine, RestoredCheckpoint } from '@orchestrator/core';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { ProjectsService } from '../projects/projects.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { EXECUTION_ENGINE } from './execution.tokens.js';
import { TimeTravelRepository } from './time-travel.repository.js';

const TITLE_MAX = 200;
const FORK_SUFFIX = ' (fork)';

/**
 * Time travel (semantics in docs/api.md#time-travel-rollback-and-fork): a project's checkpoints, rolling the project
 * back to one, forking a new project from one. Each change is one transaction: the checkpoint
 * (written through the saver bound to it), the step rows, the audit entry and the project's status
 * commit together or not at all; the realtime event follows the commit.
 */
@Injectable()
export class TimeTravelService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EXECUTION_ENGINE) private readonly engine: ExecutionEngine,
    private readonly repository: TimeTravelRepository,
    private readonly steps: ExecutionRepository,
    private readonly projects: ProjectsRepository,
    private readonly projectsService: ProjectsService,
    private readonly audit: AuditRepository,
    private readonly publisher: RealtimePublisher,
  ) {}

  async checkpoints(req: RequestContext, projectId: string): Promise<CheckpointInfo[]> {
    await this.projectsService.summary(req, projectId);
    return this.engine.checkpoints({ workspaceId: req.workspaceId, projectId });
  }

  /**
   * The project goes back to the checkpoint and stays paused by the person until resumed; steps
   * not finished there run again. Only while paused and no run of it is still finishing.
   */
  async rollback(req: RequestContext, projectId: string, checkpointId: string): Promise<ProjectDetail> {
    await this.projectsService.summary(req, projectId);
    // Completions saved with checkpoints but not yet applied to the step rows land first: the reset sees them.
    await this.steps.flushCompletions(projectId);
    const ctx = { workspaceId: req.workspaceId, projectId };
    const summary = await withTransaction(this.pool, async (tx) => {
      const project = await this.projects.lockIn(tx, req.workspaceId, projectId);
      if (!PAUSED_STATUSES.includes(project.status))
        throw new AppError(
          'project/invalid_transition',
          `Pause "${project.title}" before rolling it back (it is ${project.status.replace(/_/g, ' ')}).`,
        );
      await this.holdRuns(tx, project.id, project.title);
      const restored = await restore(this.engine.rollback(ctx, checkpointId, tx));
      await this.assertRestorable(tx, req.workspaceId, projectId, restored);
      await this.repository.resetSteps(tx, req.workspaceId, projectId, restored.finishedSteps);
      await this.repository.resolveOpenErrors(tx, req.workspaceId, projectId, req.userId);
      const paused =
        project.status === 'paused_by_user'
          ? project
          : await this.projects.transitionIn(
              tx,
              req.workspaceId,
              projectId,
              'paused_by_user',
              `Rolled back to checkpoint ${checkpointId}; resume to continue.`,
              { type: 'user', id: req.userId },
            );
      await this.audit.append(tx, [
        {
          workspaceId: req.workspaceId,
          actorType: 'user',
          actor: req.userId,
          action: 'project.rollback',
          targetType: 'project',
          targetId: projectId,
          projectId,
          mode: 'manual',
          result: 'success',
          details: { checkpointId, finishedSteps: restored.finishedSteps },
        },
      ]);
      return paused;
    });
    this.publisher.projectUpdated(req.workspaceId, summary);
    return this.projectsService.detail(req, projectId);
  }

  /**
   * A new project that starts from the checkpoint, paused by the person until resumed; the source
   * project is not changed (it may even be running). Returns the fork.
   */
  async fork(req: RequestContext, projectId: string, checkpointId: string): Promise<ProjectDetail> {
    const source = await this.projectsService.summary(req, projectId);
    await this.steps.flushCompletions(projectId);
    const fork = await withTransaction(this.pool, async (tx) => {
      const created = await this.projects.forkIn(tx, req.workspaceId, projectId, {
        title: forkTitle(source.title),
        reason: `Forked from "${source.title}" at checkpoint ${checkpointId}; resume to continue.`,
        checkpointId,
        userId: req.userId,
      });
      const restored = await restore(
        this.engine.fork(
          { workspaceId: req.workspaceId, projectId },
          checkpointId,
          { workspaceId: req.workspaceId, projectId: created.id },
          tx,
        ),
      );
      await this.assertRestorable(tx, req.workspaceId, projectId, restored);
      await this.repository.copySteps(tx, req.workspaceId, projectId, created.id, restored.finishedSteps);
      // On both projects, so each one's audit trail tells where the fork came from.
      await this.audit.append(
        tx,
        [projectId, created.id].map((onProject) => ({
          workspaceId: req.workspaceId,
          actorType: 'user' as const,
          actor: req.userId,
          action: 'project.fork',
          targetType: 'project',
          targetId: created.id,
          projectId: onProject,
          mode: 'manual' as const,
          result: 'success' as const,
          details: { checkpointId, sourceProjectId: projectId, forkProjectId: created.id },
        })),
      );
      return created;
    });
    this.publisher.projectUpdated(req.workspaceId, fork);
    return this.projectsService.detail(req, fork.id);
  }

  private async assertRestorable(
    tx: PoolClient,
    workspaceId: string,
    projectId: string,
    restored: RestoredCheckpoint,
  ): Promise<void> {
    const discarded = await this.repository.discardedSteps(tx, workspaceId, projectId, restored.finishedSteps);
    if (discarded.length > 0)
      throw new AppError(
        'project/invalid_transition',
        `Checkpoint ${restored.checkpointId} can no longer be restored: an earlier rollback discarded the results of ${discarded.join(', ')}. Choose a checkpoint after that rollback.`,
      );
  }

  private async holdRuns(tx: PoolClient, projectId: string, title: string): Promise<void> {
    if (!(await this.repository.holdRuns(tx, projectId)))
      throw new AppError(
        'project/invalid_transition',
        `"${title}" is still finishing the steps it was running when it paused; try again in a moment.`,
      );
  }
}

/** A checkpoint the thread does not have is a 404; the transaction rolls back with it. */
async function restore(work: Promise<RestoredCheckpoint>): Promise<RestoredCheckpoint> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Error && err.name === 'CheckpointNotFound') throw new AppError('request/not_found', err.message);
    throw err;
  }
}

const forkTitle = (title: string) => `${title.slice(0, TITLE_MAX - FORK_SUFFIX.length)}${FORK_SUFFIX}`;
