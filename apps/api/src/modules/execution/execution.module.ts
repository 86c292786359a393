import { Module } from '@nestjs/common';
import { PostgresCheckpointSaver } from '@orchestrator/checkpoint-postgres';
import { ExecutionEngine, type LlmProvider } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, LLM_PROVIDER, PG_POOL } from '../../database/tokens.js';
import { AgentBuildsModule } from '../agent-builds/agent-builds.module.js';
import { AgentBuildsService } from '../agent-builds/agent-builds.service.js';
import { AgentLoadRepository } from '../agents/agent-load.repository.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { AgentsModule } from '../agents/agents.module.js';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { AuditModule } from '../audit/audit.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { BUDGETS_OPTIONS, type BudgetsOptions } from '../budgets/budgets.options.js';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { BudgetsRepository } from '../budgets/budgets.repository.js';
import { UsageRepository } from '../budgets/usage.repository.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { CheckpointRetention } from './blobs/checkpoint-retention.js';
import { ExecutionController } from './execution.controller.js';
import { ExecutionRepository } from './execution.repository.js';
import { ExecutionService } from './execution.service.js';
import { EXECUTION_ENGINE } from './execution.tokens.js';
import { ProjectReporter } from './project-reporter.js';
import { ReportFactsRepository } from './report-facts.repository.js';
import { ProjectRunner } from './runner/project-runner.js';
import { batchedStopCheck } from './runner/run-control.js';
import { RunnerRepository } from './runner/runner.repository.js';
import { TimeTravelRepository } from './time-travel.repository.js';
import { TimeTravelService } from './time-travel.service.js';

@Module({
  imports: [
    AgentsModule,
    ProjectsModule,
    ApprovalsModule,
    BudgetsModule,
    AgentBuildsModule,
    AuditModule,
    ConversationsModule,
  ],
  controllers: [ExecutionController],
  providers: [
    ExecutionRepository,
    RunnerRepository,
    ReportFactsRepository,
    ProjectReporter,
    ProjectRunner,
    ExecutionService,
    TimeTravelRepository,
    TimeTravelService,
    CheckpointRetention,
    {
      provide: EXECUTION_ENGINE,
      inject: [
        APP_CONFIG,
        PG_POOL,
        LLM_PROVIDER,
        AgentRegistryService,
        ExecutionRepository,
        ApprovalsService,
        AgentLoadRepository,
        UsageRepository,
        RunnerRepository,
        BudgetsRepository,
        BUDGETS_OPTIONS,
        AgentBuildsService,
      ],
      useFactory: (
        config: AppConfig,
        pool: Pool,
        llm: LlmProvider,
        registry: AgentRegistryService,
        store: ExecutionRepository,
        approvals: ApprovalsService,
        loads: AgentLoadRepository,
        usage: UsageRepository,
        runs: RunnerRepository,
        budgets: BudgetsRepository,
        budgetOptions: BudgetsOptions,
        builds: AgentBuildsService,
      ) =>
        new ExecutionEngine({
          registry: () => registry.current(),
          index: () => registry.index(),
          agentsDir: config.agentsDir,
          llm,
          usage,
          store,
          loads,
          approvals: {
            request: async (r) => {
              const approval = await approvals.request({
                workspaceId: r.workspaceId,
                projectId: r.projectId,
                stepKey: r.stepKey,
                threadId: r.threadId,
                interruptId: r.gateKey,
                agentName: r.agent,
                department: r.department,
                action: r.action,
                riskLevel: r.riskLevel,
                preview: r.preview,
              });
              return {
                id: approval.id,
                preApproved: approval.status === 'approved' && approval.viaStandingApproval === true,
              };
            },
          },
          maxAttempts: config.env.STEP_MAX_ATTEMPTS,
          backoffBaseMs: config.env.STEP_BACKOFF_BASE_MS,
          backoffCapMs: 30_000,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          // Budgets and circuits from their repository; run limits from the run's own step state.
          guard: {
            store: {
              budgetsFor: (ctx, target) => budgets.budgetsFor(ctx, target),
              warnBudget: (ctx, budget, stepKey, message) => budgets.warnBudget(ctx, budget, stepKey, message),
              markHardStop: (ctx, budget) => budgets.markHardStop(ctx, budget),
              circuit: (ctx, agent) => budgets.circuit(ctx, agent),
              updateCircuit: (ctx, agent, next, lastError) => budgets.updateCircuit(ctx, agent, next, lastError),
              runLimits: (ctx, stepKey) => store.runLimits(ctx, stepKey),
            },
            circuit: budgetOptions.circuit,
            now: budgetOptions.now,
          },
          agentBuilds: { ensureForStep: (ctx, step) => builds.ensureForStep(ctx, step) },
          // Our saver: one round trip per put/putWrites/getTuple, forks keep their own values, and
          // within() lets time travel write its checkpoint in the transaction of its other changes.
          checkpointer: new PostgresCheckpointSaver(pool),
          control: batchedStopCheck((projectIds) => runs.statuses(projectIds)),
        }),
    },
  ],
  exports: [ExecutionService],
})
export class ExecutionModule {}
