import { Logger, Module } from '@nestjs/common';
import { PostgresCheckpointSaver } from '@orchestrator/checkpoint-postgres';
import {
  OrchestratorFacade,
  createLlmIntentClassifier,
  createOfflineIntentClassifier,
  type IntentClassifier,
  type LlmProvider,
} from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, LLM_PROVIDER, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AgentImprovementsModule } from '../agent-improvements/agent-improvements.module.js';
import { AgentImprovementsService } from '../agent-improvements/agent-improvements.service.js';
import { AgentBuildsModule } from '../agent-builds/agent-builds.module.js';
import { AgentBuildsService } from '../agent-builds/agent-builds.service.js';
import { AgentLoadRepository } from '../agents/agent-load.repository.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { AgentsModule } from '../agents/agents.module.js';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { UsageRepository } from '../budgets/usage.repository.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { DelegationsModule } from '../delegations/delegations.module.js';
import { DelegationsRepository } from '../delegations/delegations.repository.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { ORCHESTRATOR } from './orchestrator.tokens.js';
import { ProjectStoreAdapter } from './project-store.js';
import { ReplyRecovery } from './reply-recovery.js';

/** The intent classifier follows the registry: rebuilt lazily when hot reload swaps it. */
function intentClassifier(registry: AgentRegistryService, llm: LlmProvider, logger: Logger): IntentClassifier {
  let built: { for: unknown; classifier: IntentClassifier } | undefined;
  const current = () => {
    const reg = registry.current();
    if (built?.for !== reg) {
      const offline = createOfflineIntentClassifier(reg, registry.index());
      built = {
        for: reg,
        classifier: llm.chatModel
          ? createLlmIntentClassifier(llm.chatModel, reg, {
              fallback: offline,
              onFallback: (error) =>
                logger.warn({ error }, 'LLM intent classification failed; used the offline classifier'),
            })
          : offline,
      };
    }
    return built.classifier;
  };
  return { classify: (input) => current().classify(input) };
}

/** Builds the framework-free facade from its ports (Nest only wires it) and the chat that drives it. */
@Module({
  imports: [
    AgentsModule,
    ProjectsModule,
    DelegationsModule,
    AgentImprovementsModule,
    AgentBuildsModule,
    BudgetsModule,
    ConversationsModule,
  ],
  controllers: [ChatController],
  providers: [
    ProjectStoreAdapter,
    ChatService,
    ReplyRecovery,
    {
      provide: ORCHESTRATOR,
      inject: [
        APP_CONFIG,
        PG_POOL,
        LLM_PROVIDER,
        AgentRegistryService,
        ConversationsRepository,
        UsageRepository,
        RealtimePublisher,
        ProjectStoreAdapter,
        DelegationsRepository,
        AgentLoadRepository,
        AgentImprovementsService,
        AgentBuildsService,
      ],
      useFactory: (
        config: AppConfig,
        pool: Pool,
        llm: LlmProvider,
        registry: AgentRegistryService,
        conversations: ConversationsRepository,
        usage: UsageRepository,
        events: RealtimePublisher,
        projects: ProjectStoreAdapter,
        delegations: DelegationsRepository,
        loads: AgentLoadRepository,
        improvements: AgentImprovementsService,
        builds: AgentBuildsService,
      ) => {
        const logger = new Logger('Orchestrator');
        // Our saver (packages/checkpoint-postgres): tables created by our migrations.
        const checkpointer = new PostgresCheckpointSaver(pool);
        return new OrchestratorFacade({
          registry: () => registry.current(),
          index: () => registry.index(),
          agentsDir: config.agentsDir,
          llm,
          intents: intentClassifier(registry, llm, logger),
          usage,
          projects,
          delegations,
          loads,
          improvements: { propose: (r) => improvements.proposeFromChat(r) },
          agentBuilds: {
            start: async (r) => {
              const { record, spec } = await builds.start({ ...r, createdBy: r.userId, createdByName: 'chat' });
              return { id: record.build.id, spec };
            },
          },
          checkpointer,
          messages: { append: (m) => conversations.appendMessage(m) },
          events,
          chunkDelayMs: config.env.OFFLINE_STREAM_DELAY_MS,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          replyTimeoutMs: config.env.REPLY_TIMEOUT_MS,
          onError: (err, ctx) => logger.error({ err, ...ctx }, 'reply failed'),
        });
      },
    },
  ],
  exports: [ORCHESTRATOR, ChatService],
})
export class OrchestratorModule {}
