import { Logger, Module } from '@nestjs/common';
import { OrchestratorFacade, type LlmProvider } from '@orchestrator/core';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { Pool } from '@orchestrator/db';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, LLM_PROVIDER, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { AgentsModule } from '../agents/agents.module.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { ORCHESTRATOR } from './orchestrator.tokens.js';
import { UsageRepository } from './usage.repository.js';

/** Builds the framework-free facade from its ports: Nest only wires it. */
@Module({
  imports: [AgentsModule],
  providers: [
    ConversationsRepository,
    UsageRepository,
    {
      provide: ORCHESTRATOR,
      inject: [APP_CONFIG, PG_POOL, LLM_PROVIDER, AgentRegistryService, ConversationsRepository, UsageRepository, RealtimePublisher],
      useFactory: (config: AppConfig, pool: Pool, llm: LlmProvider, registry: AgentRegistryService, conversations: ConversationsRepository, usage: UsageRepository, events: RealtimePublisher) => {
        const logger = new Logger('Orchestrator');
        // Checkpoint tables are created by our migrations (schema "langgraph"), not by setup().
        const checkpointer = new PostgresSaver(pool, undefined, { schema: 'langgraph' });
        return new OrchestratorFacade({
          registry: () => registry.current(),
          llm,
          usage,
          checkpointer,
          messages: { append: (m) => conversations.appendMessage(m) },
          events,
          chunkDelayMs: config.env.OFFLINE_STREAM_DELAY_MS,
          replyTimeoutMs: config.env.REPLY_TIMEOUT_MS,
          onError: (err, ctx) => logger.error({ err, ...ctx }, 'reply failed'),
        });
      },
    },
  ],
  exports: [ORCHESTRATOR, ConversationsRepository],
})
export class OrchestratorModule {}
