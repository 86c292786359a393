import { acrossWorkspaces, inWorkspace, withTransaction } from '@orchestrator/db';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AgentBuild, ProjectStatus } from '@orchestrator/contracts';
import {
  isTerminal,
  type ExecutionEngine,
  type ExecutionResume,
  type PendingInterrupt,
  type RunContext,
  type RunResult,
} from '@orchestrator/core';
import { isAppError } from '../../../common/app-error.js';
import type { AppConfig } from '../../../config/env.js';
import type { DatabaseHandle } from '../../../database/boot.js';
import { APP_CONFIG, DATABASE_HANDLE } from '../../../database/tokens.js';
import { RealtimePublisher } from '../../../realtime/realtime.publisher.js';
import { AgentBuildsRepository } from '../../agent-builds/agent-builds.repository.js';
import { AgentBuildsService } from '../../agent-builds/agent-builds.service.js';
import { ApprovalsRepository } from '../../approvals/approvals.repository.js';
import { ProjectsRepository } from '../../projects/projects.repository.js';
import { ExecutionRepository } from '../execution.repository.js';
import { EXECUTION_ENGINE } from '../execution.tokens.js';
import { ProjectReporter } from '../project-reporter.js';
import { RunQueue } from './run-queue.js';
import { RunnerRepository } from './runner.repository.js';

/** How often active jobs are checked for a vanished worker (scale-out: a sibling process died). */
const RECLAIM_INTERVAL_MS = 60_000;
/** At shutdown, how long runs in progress may take to finish the steps they started before those are interrupted. */
export const SHUTDOWN_GRACE_MS = 10_000;
const SYSTEM = { type: 'system' as const, id: 'project-runner' };
/** Paused until people answer the run's questions: a run that finds the answers there goes on. */
const WAITING_FOR_ANSWERS: ProjectStatus[] = ['paused_for_approval', 'paused_on_error', 'paused_for_agent_development'];

/**
 * Runs projects from the run queue (one run per project at a time, several projects at once) and
 * moves each project's status by how its run stopped. A decision and the pause it answers meet
 * here: a decision always queues a run once it is committed (docs/operations.md), and that run
 * starts only after the run that may be pausing has ended, so it sees both the decision and the
 * pause, and resumes a project paused for answers that are already there.
 */
@Injectable()
export class ProjectRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ProjectRunner');
  private readonly queue: RunQueue;
  private reclaimTimer?: NodeJS.Timeout;
  /** The periodic reclaim in progress, which shutdown lets finish before the queue closes. */
  private reclaiming?: Promise<void>;
  private stopping = false;
  private stopPickingUp?: () => void;

  constructor(
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EXECUTION_ENGINE) private readonly engine: ExecutionEngine,
    private readonly projects: ProjectsRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly publisher: RealtimePublisher,
    private readonly builds: AgentBuildsService,
    private readonly buildRecords: AgentBuildsRepository,
    private readonly steps: ExecutionRepository,
    private readonly runs: RunnerRepository,
    private readonly reports: ProjectReporter,
  ) {
    this.queue = new RunQueue({
      connectionString: database.url,
      concurrency: config.env.RUNNER_CONCURRENCY,
      logger: this.logger,
      isOutage: (err) => database.availability.report(err),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // A project paused for a new agent goes on once its build ends (deployed, or not: then a person decides).
    this.builds.onFinished((build, workspaceId) => this.onBuildFinished(build, workspaceId));
    // A run sees only its project's workspace (docs/security.md, "Tenant isolation").
    await this.queue.start((ctx) => inWorkspace(ctx.workspaceId, () => this.handle(ctx)));
    await this.pickUp();
    // Runs a database outage interrupted go on once it is back.
    this.stopPickingUp = this.database.availability.onRecovered(() => this.pickUp());
    // Builds that ended while this process was down (or before it listened) resume the projects waiting on them.
    const ended = await acrossWorkspaces('resume projects whose agent build ended', () =>
      this.buildRecords.endedForPausedProjects(),
    );
    for (const { build, workspaceId } of ended) await this.onBuildFinished(build, workspaceId);
    this.reclaimTimer = setInterval(
      () =>
        (this.reclaiming ??= this.reclaim()
          .catch((err) => this.logger.error(err))
          .finally(() => (this.reclaiming = undefined))),
      RECLAIM_INTERVAL_MS,
    );
    this.reclaimTimer.unref();
  }

  /**
   * Stops taking runs, then stops the runs in progress: they finish the steps they started (up
   * to SHUTDOWN_GRACE_MS, then those are interrupted) and start no other. Their projects stay
   * `running` and go on at the next start. Runs before the other modules stop, and long before
   * the database closes (docs/operations.md).
   */
  async onModuleDestroy(): Promise<void> {
    this.stopPickingUp?.();
    clearInterval(this.reclaimTimer);
    await this.reclaiming;
    this.stopping = true;
    const stopped = this.queue.stop();
    const inProgress = this.queue.inProgress();
    if (inProgress.length > 0)
      this.logger.log(`Stopping ${inProgress.length} run(s) in progress; their projects go on at the next start`);
    for (const ctx of inProgress) this.engine.pause(ctx);
    let grace: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      stopped.then(() => true),
      new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), SHUTDOWN_GRACE_MS))),
    ]);
    clearTimeout(grace);
    if (!finished) {
      for (const ctx of this.queue.inProgress()) this.engine.cancel(ctx);
      await stopped;
    }
  }

  async enqueue(ctx: RunContext): Promise<void> {
    await this.queue.enqueue(ctx);
  }

  /**
   * Runs a dead process left "running" are picked up again (nothing stays running forever), and
   * so are projects paused for answers that are already there.
   */
  private async pickUp(): Promise<void> {
    await this.reclaim();
    for (const ctx of await acrossWorkspaces('pick up runs', () => this.runs.toPickUp())) await this.enqueue(ctx);
  }

  /** Runs whose worker vanished are queued again. */
  private async reclaim(): Promise<void> {
    for (const ctx of await this.queue.reclaim()) await this.enqueue(ctx);
  }

  private async handle(ctx: RunContext): Promise<void> {
    // The run's state (the project's status, plan and steps) is read in one statement, at the
    // same time as the engine reads the thread's open questions; both serve the whole run.
    this.steps.beginRun(ctx);
    try {
      const status = this.steps.runStatus(ctx);
      // Awaited by the engine's answers below; a failed read fails the run there, or not at all.
      status.catch(() => undefined);
      let consumed: string[] = [];
      const result = await this.engine.run(ctx, async (interrupts) => {
        const now = await status;
        if (!now || (now !== 'running' && !WAITING_FOR_ANSWERS.includes(now))) return null;
        const collected = await this.collectResume(ctx, interrupts);
        consumed = collected.consumed;
        if (now !== 'running' && !(await this.resumeAnswered(ctx, now, collected.resume))) return null;
        // Shutting down: the project stays as it is and goes on at the next start.
        return this.stopping ? null : collected.resume;
      });
      if (result.kind === 'not_run') return;
      await this.runs.resolveErrors(consumed);
      await this.apply(ctx, result);
    } finally {
      this.steps.endRun(ctx);
    }
  }

  /**
   * A project paused for answers that are already there (given while its run was pausing for
   * them) runs again. False when there is nothing to resume, or a person moved the project
   * meanwhile (their state stands).
   */
  private async resumeAnswered(
    ctx: RunContext,
    status: ProjectStatus,
    resume: Record<string, ExecutionResume>,
  ): Promise<boolean> {
    // What resumes the project from that pause: any decision when it waits for approval, a recovery otherwise.
    const answers = Object.values(resume);
    if (!answers.some((a) => status === 'paused_for_approval' || a.kind === 'recovery')) return false;
    try {
      const moved = await this.projects.transition(
        ctx.workspaceId,
        ctx.projectId,
        'running',
        'Answered while the run was pausing for it',
        SYSTEM,
        [status],
      );
      this.publisher.projectUpdated(ctx.workspaceId, moved);
      return true;
    } catch (err) {
      if (!isAppError(err) || err.code !== 'project/invalid_transition') throw err;
      // The answer resumed it first (running: this run goes on), or a person paused or stopped it.
      return (await this.projects.summary(ctx.workspaceId, ctx.projectId))?.status === 'running';
    }
  }

  private onBuildFinished(build: AgentBuild, workspaceId: string): Promise<void> {
    return inWorkspace(workspaceId, () => this.resumeAfterBuild(build, workspaceId));
  }

  private async resumeAfterBuild(build: AgentBuild, workspaceId: string): Promise<void> {
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
      const choice = await this.runs.recoveryChoice(value.errorId);
      if (choice) {
        resume[id] = { kind: 'recovery', action: choice.action, agent: choice.agent ?? undefined };
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
        // An end is reported in the project's conversation, in the same transaction: never lost, never twice.
        const { summary, report } = await withTransaction(this.database.pool, async (tx) => {
          const moved = await this.projects.transitionIn(tx, ctx.workspaceId, ctx.projectId, to, reason, SYSTEM, [
            'running',
          ]);
          return {
            summary: moved,
            report: isTerminal(to) ? await this.reports.writeIn(tx, ctx.workspaceId, ctx.projectId) : null,
          };
        });
        this.publisher.projectUpdated(ctx.workspaceId, summary);
        if (report) this.publisher.messageCreated(ctx.workspaceId, report);
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
