import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConversationChangesRepository } from './conversation-changes.repository.js';
import { ConversationSearchRepository } from './conversation-search.repository.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { ProjectReportsRepository } from './project-reports.repository.js';

/**
 * Owns the `conversations` and `messages` tables. Every module that posts into a conversation
 * (the orchestrator's chat, agent builds) imports this one for its repository; sending a message
 * sits above the orchestrator facade, in OrchestratorModule, so this module depends on nothing
 * but the audit log (renaming and deleting are audited).
 */
@Module({
  imports: [AuditModule],
  controllers: [ConversationsController],
  providers: [
    ConversationsRepository,
    ConversationChangesRepository,
    ConversationSearchRepository,
    ConversationsService,
    ProjectReportsRepository,
  ],
  exports: [ConversationsRepository, ConversationsService, ProjectReportsRepository],
})
export class ConversationsModule {}
