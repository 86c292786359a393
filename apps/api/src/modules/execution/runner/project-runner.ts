import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AgentBuild } from '@orchestrator/contracts';
import type { ExecutionEngine, ExecutionResume, PendingInterrupt, RunContext, RunResult } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import PgBoss from 'pg-boss';
import { isAppError } from '../../../common/app-error.js';
import type { DatabaseHandle } from '../../../database/boot.js';
import { DATABASE_HANDLE, PG_POOL } from '../../../database/tokens.js';
import { RealtimePublisher } from '../../../realtime/realtime.publisher.js';
import { AgentBuildsRepository } from '../../agent-builds/agent-builds.repository.js';
import { AgentBuildsService } from '../../agent-builds/agent-builds.service.js';
import { ApprovalsRepository } from '../../approvals/approvals.repository.js';
import { ProjectsRepository } from '../../projects/projects.repository.js';
import { ExecutionRepository } from '../execution.repository.js';
import { EXECUTION_ENGINE } from '../execution.tokens.js';

const QUEUE = 'project-run';
/** How often active jobs are checked for a vanished worker (scale-out: a sibling process died). */
const RECLAIM_INTERVAL_MS = 60_000;
const SYSTEM = { type: 'system' as const, id: 'project-runner' };

/**
 * Claims project runs through pg-boss (a stately queue keyed by project: at most one queued and
 * one active job each) and holds a Postgres advisory lock while running, so one thread is never
 * run by two workers. A job carries only the project id: decisions and recovery choices are
 * read from Postgres when the job runs, so nothing is lost if a worker dies.
 */
@Injectable()
export class ProjectRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ProjectRunner');
  private boss?: PgBoss;
  private reclaimTimer?: NodeJS.Timeout;

  constructor(
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EXECUTION_ENGINE) private readonly engine: ExecutionEngine,
    private readonly projects: ProjectsRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly publisher: RealtimePublisher,
    private readonly builds: AgentBuildsService,
    private readonly buildRecords: AgentBuildsRepository,
    private readonly steps: ExecutionRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A project paused for a new agent goes on once its build ends (deployed, or not: then a person decides).
    this.builds.onFinished((build, workspaceId) => this.onBuildFinished(build, workspaceId));
    const boss = new PgBoss({
      connectionString: this.database.url,
      schema: 'pgboss',
      max: 4,
      application_name: 'orchestrator-runner',
    });
    boss.on('error', (err) => this.logger.error(err));
    await boss.start();
    await boss.createQueue(QUEUE, {
      name: QUEUE,
      policy: 'stately',
      retryLimit: 20,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: 30 * 60,
    });
    await boss.work<RunContext>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (job) await this.handle(job.data);
    });
    this.boss = boss;
    await this.reclaimOrphans();
    // Runs a dead process left "running" are picked up again (SPEC §3.5: nothing stays running forever).
    for (const ctx of await this.projects.runningProjects()) await this.enqueue(ctx);
    // Builds that ended while this process was down (or before it listened) resume the projects waiting on them.
    for (const { build, workspaceId } of await this.buildRecords.endedForPausedProjects())
      await this.onBuildFinished(build, workspaceId);
    this.reclaimTimer = setInterval(
      () => void this.reclaimOrphans().catch((err) => this.logger.error(err)),
      RECLAIM_INTERVAL_MS,
    );
    this.reclaimTimer.unref();
  }

  /**
   * A job stays `active` when its worker was killed, and the stately queue would hold the
   * project's next job behind it until it expires. The advisory lock tells a live run from a
   * dead one: if nobody holds the project's lock, the active job is an orphan and is cancelled.
   */
  private async reclaimOrphans(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string; project_id: string }>(
      `select id, data ->> 'projectId' as project_id from pgboss.job where name = $1 and state = 'active'`,
      [QUEUE],
    );
    for (const job of rows) {
      const client = await this.pool.connect();
      try {
        const free = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [
          `project-run:${job.project_id}`,
        ]);
        if (!free.rows[0]?.ok) continue;
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`project-run:${job.project_id}`]);
        await this.boss!.cancel(QUEUE, job.id);
        this.logger.warn(`Reclaimed the run of project ${job.project_id}: its worker vanished`);
      } finally {
        client.release();
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.reclaimTimer);
    await this.boss?.stop({ graceful: true, timeout: 10_000, wait: true }).catch(() => undefined);
  }

  async enqueue(ctx: RunContext): Promise<void> {
    if (!this.boss) throw new Error('ProjectRunner is not started');
    await this.boss.send(QUEUE, ctx, { singletonKey: ctx.projectId });
  }

  private async handle(ctx: RunContext): Promise<void> {
    const client = await this.pool.connect();
    try {
      const lock = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [
        `project-run:${ctx.projectId}`,
      ]);
      // Another worker runs it; pg-boss retries this job later.
      if (!lock.rows[0]?.ok) throw new Error(`project ${ctx.projectId} is being run by another worker`);
      try {
        const summary = await this.projects.summary(ctx.workspaceId, ctx.projectId);
        if (summary?.status !== 'running') return;
        const { resume, consumed } = await this.collectResume(ctx, await this.engine.pendingInterrupts(ctx));
        const result = await this.engine.run(ctx, resume);
        if (consumed.length)
          await this.pool.query(
            'update project_errors set resolved_at = now() where id = any($1) and resolved_at is null',
            [consumed],
          );
        await this.apply(ctx, result);
      } finally {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`project-run:${ctx.projectId}`]);
      }
    } finally {
      client.release();
    }
  }

  private async onBuildFinished(build: AgentBuild, workspaceId: string): Promise<void> {
    if (!build.projectId) return;
    const ctx = { workspaceId, projectId: build.projectId };
    const summary = await this.projects.summary(workspaceId, build.projectId);
    if (summary?.status === 'paused_for_agent_development') {
      const moved = await this.projects.transition(
        workspaceId,
        build.projectId,
        'running',
        `Agent build ${build.status.replace(/_/g, ' ')} for step ${build.stepKey}`,
        SYSTEM,
        ['paused_for_agent_development'],
      );
      this.publisher.projectUpdated(workspaceId, moved);
      await this.enqueue(ctx);
    } else if (summary?.status === 'running') {
      await this.enqueue(ctx);
    }
  }

  /** Answers people have given to the run's open questions, keyed by interrupt id. */
  private async collectResume(
    ctx: RunContext,
    interrupts: PendingInterrupt[],
  ): Promise<{ resume: Record<string, ExecutionResume>; consumed: string[] }> {
    const resume: Record<string, ExecutionResume> = {};
    const consumed: string[] = [];
    for (const { id, value } of interrupts) {
      if (value.kind === 'approval') {
        const record = await this.approvals.get(ctx.workspaceId, value.approvalId);
        const a = record?.approval;
        if (a && a.status !== 'pending') {
          resume[id] = {
            kind: 'decision',
            decision: a.status === 'approved' ? 'approve' : 'reject',
            notes: a.decisionNotes ?? (a.status === 'expired' ? 'The approval expired.' : undefined),
            decidedBy: a.decidedBy ?? undefined,
          };
        }
        continue;
      }
      const { rows } = await this.pool.query<{
        recovery_action: 'retry' | 'skip' | 'reassign' | 'abort';
        agent: string | null;
      }>(
        `select recovery_action, details ->> 'agent' as agent from project_errors where id = $1 and recovery_action in ('retry', 'skip', 'reassign', 'abort') and resolved_at is null`,
        [value.errorId],
      );
      const r = rows[0];
      if (r) {
        resume[id] = { kind: 'recovery', action: r.recovery_action, agent: r.agent ?? undefined };
        consumed.push(value.errorId);
      } else if (value.kind === 'agent_development') {
        // The build ended: the step runs again and completes with the new agent, or reports why there is none.
        const build = await this.buildRecords.latestForStep(ctx.workspaceId, ctx.projectId, value.stepKey);
        if (build && !['drafting', 'validating', 'awaiting_approval', 'deploying'].includes(build.build.status)) {
          resume[id] = { kind: 'recovery', action: 'retry' };
          consumed.push(value.errorId);
        }
      }
    }
    return { resume, consumed };
  }

  /** Project status from how the run stopped. */
  private async apply(ctx: RunContext, result: RunResult): Promise<void> {
    // The project's new status never runs ahead of its steps'.
    await this.steps.flushCompletions(ctx.projectId);
    const move = async (to: Parameters<ProjectsRepository['transition']>[2], reason: string) => {
      try {
        const summary = await this.projects.transition(ctx.workspaceId, ctx.projectId, to, reason, SYSTEM, ['running']);
        this.publisher.projectUpdated(ctx.workspaceId, summary);
      } catch (err) {
        // A person paused or stopped the project meanwhile: their state stands. Anything else is a fault.
        if (!isAppError(err) || err.code !== 'project/invalid_transition') throw err;
      }
    };
    switch (result.kind) {
      case 'completed':
        return move('completed', 'All steps finished.');
      case 'aborted':
        return move('aborted', result.reason);
      case 'stopped':
        // Paused (or stopped) from outside: steps it interrupted show as waiting to run again.
        return this.steps.requeueInterrupted(ctx.workspaceId, ctx.projectId);
      case 'interrupted': {
        // Answers that arrived while this run was busy: go round again instead of pausing.
        const { resume } = await this.collectResume(ctx, result.interrupts);
        if (Object.keys(resume).length > 0) return this.enqueue(ctx);
        const kinds = new Set(result.interrupts.map((i) => i.value.kind));
        const first = result.interrupts[0]!.value;
        if (kinds.has('approval'))
          return move(
            'paused_for_approval',
            `Waiting for approval of ${result.interrupts.filter((i) => i.value.kind === 'approval').length} step(s).`,
          );
        if (first.kind === 'agent_development')
          return move(
            'paused_for_agent_development',
            `Step ${first.stepKey} needs a new agent (${first.capability ?? 'capability'}).`,
          );
        return move(
          'paused_on_error',
          first.kind === 'error' ? `Step ${first.stepKey} failed: ${first.message}` : 'A step needs a decision.',
        );
      }
    }
  }
}
