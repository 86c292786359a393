import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { PostgresCheckpointSaver } from '@orchestrator/checkpoint-postgres';
import type {
  AgentBuild,
  AgentBuildPage,
  AgentTemplate,
  Approval,
  CreateAgentBuildBody,
} from '@orchestrator/contracts';
import {
  AGENT_TEMPLATES,
  AgentCreationEngine,
  chooseTemplate,
  KeyedLock,
  specifyAgent,
  type AgentSpec,
  type BuildContext,
  type LlmProvider,
  type StepBuildState,
} from '@orchestrator/core';
import { acrossWorkspaces, inWorkspace, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { LLM_PROVIDER, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { AgentWorkspaceService } from '../agents/agent-workspace.service.js';
import type { DecisionContext } from '../approvals/approvals.rows.js';
import { ApprovalsRepository } from '../approvals/approvals.repository.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { UsageRepository } from '../budgets/usage.repository.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { agentBuildPort, announce, type PortServices } from './agent-build-port.js';
import { AgentBuildsRepository, OPEN_BUILD_STATUSES, type BuildRecord } from './agent-builds.repository.js';

export interface StartBuildInput {
  workspaceId: string;
  request: string;
  conversationId?: string | null;
  projectId?: string | null;
  stepKey?: string | null;
  departmentHint?: string | null;
  capability?: string | null;
  overrides?: Omit<CreateAgentBuildBody, 'request'>;
  createdBy: string | null;
  createdByName: string;
}

/**
 * How often a build whose generated name a concurrent build took picks another one: each round one
 * of the competitors wins, so this many builds started at the same moment all get a name.
 */
const NAME_ATTEMPTS = 10;

/** Told once a build ends (deployed, rejected, failed, cancelled): a paused project resumes. */
export type BuildFinishedListener = (build: AgentBuild, workspaceId: string) => Promise<void> | void;

/**
 * BUILD_AGENT and `build_agent` steps (docs/workforce.md#building-agents): starts builds, runs the agent-creation graph
 * in the background (thread `agent-build:<id>`, Postgres checkpoints), resumes it with the
 * approval decision, continues unfinished builds after a restart, and tells the project runner
 * when a build ends.
 */
@Injectable()
export class AgentBuildsService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AgentBuilds');
  private readonly engine: AgentCreationEngine;
  private readonly port: PortServices;
  /** Start, resume and cancel of one build never overlap. */
  private readonly lock = new KeyedLock();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly listeners = new Set<BuildFinishedListener>();
  private unsubscribe?: () => void;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(LLM_PROVIDER) llm: LlmProvider,
    private readonly repository: AgentBuildsRepository,
    private readonly registry: AgentRegistryService,
    workspace: AgentWorkspaceService,
    private readonly approvals: ApprovalsService,
    private readonly approvalRecords: ApprovalsRepository,
    conversations: ConversationsRepository,
    usage: UsageRepository,
    private readonly projects: ProjectsRepository,
    private readonly publisher: RealtimePublisher,
  ) {
    this.port = {
      repository,
      approvals,
      registry,
      workspace,
      conversations,
      publisher,
      llm,
      projectConversation: (w, p) => this.projectConversation(w, p),
    };
    this.engine = new AgentCreationEngine({
      registry: () => registry.current(),
      llm,
      usage,
      builds: agentBuildPort(this.port),
      checkpointer: new PostgresCheckpointSaver(pool),
    });
  }

  onModuleInit(): void {
    this.unsubscribe = this.approvals.onWithdrawn((approval, workspaceId) => this.onWithdrawn(approval, workspaceId));
  }

  /** Builds in progress when the process stopped continue; decisions taken meanwhile are carried out. */
  async onApplicationBootstrap(): Promise<void> {
    const open = await acrossWorkspaces('continue open agent builds', () => this.repository.open());
    for (const record of open)
      await inWorkspace(record.workspaceId, async () => {
        const ctx = { workspaceId: record.workspaceId, buildId: record.build.id };
        if (record.build.status !== 'awaiting_approval' || !record.build.approvalId) {
          this.track(this.drive(ctx, () => this.engine.start(ctx, record.spec)));
          return;
        }
        const found = await this.approvalRecords.get(record.workspaceId, record.build.approvalId);
        if (found && found.approval.status !== 'pending') this.track(this.resume(ctx, found.approval));
      });
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Waits for background work (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  onFinished(listener: BuildFinishedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  templates(): AgentTemplate[] {
    return [...AGENT_TEMPLATES];
  }

  /** Decides who the agent is, stores the build and starts drafting in the background. */
  async start(input: StartBuildInput): Promise<{ record: BuildRecord; spec: AgentSpec }> {
    const registry = this.registry.current();
    const o = input.overrides ?? {};
    if (o.reportsTo && !registry.get(o.reportsTo))
      throw new AppError('request/invalid', `Invalid body: reportsTo: no agent named ${o.reportsTo}`, [
        { path: 'reportsTo', message: 'unknown agent' },
      ]);
    if (o.name && registry.get(o.name))
      throw new AppError('agent/exists', `An agent named ${o.name} already exists; choose another name.`);
    const { record, spec } = await this.insertUnderFreeName(input);
    const ctx = { workspaceId: input.workspaceId, buildId: record.build.id };
    this.publisher.agentBuildUpdated(ctx.workspaceId, record.build);
    await this.port.workspace
      .setLifecycle(ctx.workspaceId, spec.name, 'being_created')
      .catch((err: unknown) => this.logger.warn({ err }, 'could not mark the agent being_created'));
    this.track(this.drive(ctx, () => this.engine.start(ctx, spec)));
    return { record, spec };
  }

  /**
   * Reserves the agent's name with the build's row. A name chosen here (none asked for) that a
   * concurrent build took between the read and the insert is chosen again; a name the person
   * asked for is theirs to change.
   */
  private async insertUnderFreeName(input: StartBuildInput): Promise<{ record: BuildRecord; spec: AgentSpec }> {
    const o = input.overrides ?? {};
    for (let attempt = 1; ; attempt++) {
      const reserved = await this.repository.reservedNames(input.workspaceId);
      if (o.name && reserved.has(o.name))
        throw new AppError('agent/exists', `A build in progress already uses the name ${o.name}; choose another name.`);
      const spec = specifyAgent(
        {
          request: input.request,
          departmentHint: input.departmentHint,
          capability: input.capability,
          overrides: o,
          reserved,
        },
        this.registry.current(),
        this.registry.index(),
      );
      const record = await this.repository.insert({ ...input, spec });
      if (record) return { record, spec };
      if (o.name || attempt >= NAME_ATTEMPTS)
        throw new AppError(
          'agent/exists',
          `Another build started at the same moment already uses the name ${spec.name}; choose another name.`,
        );
    }
  }

  /** The create-agent wizard. */
  async create(req: RequestContext, body: CreateAgentBuildBody): Promise<AgentBuild> {
    const { request, ...overrides } = body;
    const { record } = await this.start({
      workspaceId: req.workspaceId,
      request,
      overrides,
      createdBy: req.userId,
      createdByName: await this.repository.userName(req.userId),
    });
    return record.build;
  }

  /** The execution graph's port: the build of a `build_agent` step (see StepAgentBuilds). */
  async ensureForStep(
    ctx: { workspaceId: string; projectId: string },
    step: {
      stepKey: string;
      name: string;
      description: string;
      capability: string | null;
      department: string | null;
      request: string;
    },
  ): Promise<StepBuildState> {
    return this.lock.run(`step:${ctx.projectId}:${step.stepKey}`, async () => {
      const latest = await this.repository.latestForStep(ctx.workspaceId, ctx.projectId, step.stepKey);
      const ended = latest && !OPEN_BUILD_STATUSES.includes(latest.build.status) && latest.build.status !== 'deployed';
      if (latest && (!ended || !latest.reportedAt)) {
        if (ended) await this.repository.markReported(ctx.workspaceId, latest.build.id);
        return this.stepState(latest);
      }
      const request = `${step.name} for the project “${step.request.slice(0, 300)}”`;
      const { record } = await this.start({
        workspaceId: ctx.workspaceId,
        request,
        projectId: ctx.projectId,
        stepKey: step.stepKey,
        departmentHint: step.department,
        capability: step.capability,
        overrides: { template: chooseTemplate(`${step.name} ${step.capability ?? ''}`) },
        createdBy: null,
        createdByName: 'project',
      });
      return this.stepState(record);
    });
  }

  private stepState(r: BuildRecord): StepBuildState {
    return {
      id: r.build.id,
      status: r.build.status,
      agentName: r.build.status === 'deployed' ? r.spec.name : null,
      error: r.build.error,
    };
  }

  async list(ctx: RequestContext, query: { limit: number; cursor?: string }): Promise<AgentBuildPage> {
    return this.repository.list(ctx.workspaceId, query);
  }

  async get(ctx: RequestContext, id: string): Promise<AgentBuild> {
    const record = await this.repository.get(ctx.workspaceId, id);
    if (!record) throw new AppError('agent_build/not_found', `Agent build ${id} does not exist.`);
    return record.build;
  }

  /** Stops a build that has not ended; its pending approval is withdrawn. Nothing is deployed. */
  async cancel(ctx: RequestContext, id: string, reason = 'Cancelled by a person'): Promise<AgentBuild> {
    const current = await this.get(ctx, id);
    const cancelled = await this.lock.run(id, () => this.repository.cancel(ctx.workspaceId, id, reason, ctx.userId));
    if (!cancelled)
      throw new AppError(
        'agent_build/finished',
        `Agent build ${id} is ${current.status.replace(/_/g, ' ')} and can no longer be cancelled.`,
      );
    const { record, withdrawn } = cancelled;
    if (withdrawn && record.build.approvalId) {
      const approval = await this.approvalRecords.get(ctx.workspaceId, record.build.approvalId);
      if (approval) this.publisher.approvalDecided(ctx.workspaceId, approval.approval);
    }
    await announce(this.port, record);
    await this.finished(record);
    return record.build;
  }

  /**
   * A project being stopped (ExecutionService.stop): cancels, in its transaction, the builds it
   * started that have not ended, recorded as cancelled with the reason. Announce them with
   * `projectStopped` after the commit. A graph still drafting or validating one stops at its next
   * step (the port refuses progress on a cancelled build) and says nothing more.
   */
  cancelForProjectIn(
    tx: PoolClient,
    who: { workspaceId: string; userId: string },
    projectId: string,
    reason: string,
  ): Promise<BuildRecord[]> {
    return this.repository.cancelForProject(tx, who, projectId, reason);
  }

  /** After the stop's commit: each cancelled build says so once in the chat, and its listeners hear it ended. */
  async projectStopped(cancelled: BuildRecord[]): Promise<void> {
    for (const record of cancelled) {
      await announce(this.port, record);
      await this.finished(record);
    }
  }

  /** A decision on a build's deployment (kind `agent_creation`, see ApprovalDecisionDispatcher). */
  carryOutDecision(approval: Approval, context: DecisionContext): void {
    // Kept short (the decision's HTTP response waits for listeners): the deployment runs in the background.
    this.track(
      this.repository.byApproval(context.workspaceId, approval.id).then((record) => {
        if (record) return this.resume({ workspaceId: context.workspaceId, buildId: record.build.id }, approval);
      }),
    );
  }

  /** The project that needed the agent was stopped: its build stops with it, nothing is deployed. */
  private async onWithdrawn(approval: Approval, workspaceId: string): Promise<void> {
    if (approval.kind !== 'agent_creation') return;
    const open = await this.repository.byApproval(workspaceId, approval.id);
    if (!open) return;
    const cancelled = await this.lock.run(open.build.id, () =>
      this.repository.cancel(workspaceId, open.build.id, approval.decisionNotes ?? 'The project was stopped.', null),
    );
    if (!cancelled) return;
    await announce(this.port, cancelled.record);
    await this.finished(cancelled.record);
  }

  private resume(ctx: BuildContext, approval: Approval): Promise<void> {
    const notes =
      approval.status === 'expired'
        ? `the approval expired${approval.decisionNotes ? ` (${approval.decisionNotes})` : ''}`
        : (approval.decisionNotes ?? undefined);
    return this.drive(ctx, () =>
      this.engine.resume(ctx, {
        decision: approval.status === 'approved' ? 'approve' : 'reject',
        notes,
        decidedBy: approval.decidedBy ?? undefined,
      }),
    );
  }

  /** Runs a graph step under the build's lock; a build that crashes is failed visibly, never left open. */
  private async drive(ctx: BuildContext, run: () => Promise<unknown>): Promise<void> {
    await this.lock.run(ctx.buildId, async () => {
      const before = await this.repository.get(ctx.workspaceId, ctx.buildId);
      if (!before || before.build.status === 'cancelled') return;
      try {
        await run();
      } catch (err) {
        // Cancelled while it ran (its project was stopped): it stopped at its next step, as meant.
        if ((await this.repository.get(ctx.workspaceId, ctx.buildId))?.build.status === 'cancelled') {
          this.logger.log(`Agent build ${ctx.buildId} stopped: it was cancelled`);
          return;
        }
        this.logger.error({ err, buildId: ctx.buildId }, 'agent build failed');
        const failed = await this.repository.progress(ctx.workspaceId, ctx.buildId, {
          status: 'failed',
          error: `The build stopped on an internal error: ${(err as Error).message}`,
        });
        if (failed?.changed) await announce(this.port, failed.record);
      }
    });
    const after = await this.repository.get(ctx.workspaceId, ctx.buildId);
    if (after && !OPEN_BUILD_STATUSES.includes(after.build.status)) await this.finished(after);
  }

  private async finished(record: BuildRecord): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(record.build, record.workspaceId);
      } catch (err) {
        this.logger.error({ err, buildId: record.build.id }, 'agent build listener failed');
      }
    }
  }

  private async projectConversation(workspaceId: string, projectId: string): Promise<string | null> {
    return (await this.projects.summary(workspaceId, projectId))?.conversationId ?? null;
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => this.logger.error({ err }, 'agent build work failed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
