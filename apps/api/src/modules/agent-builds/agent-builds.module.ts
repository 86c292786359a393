import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { AgentBuildsController } from './agent-builds.controller.js';
import { AgentBuildsRepository } from './agent-builds.repository.js';
import { AgentBuildsService } from './agent-builds.service.js';

/**
 * Building agents (BUILD_AGENT and `build_agent` steps). The orchestrator starts builds from the
 * chat through `AgentBuildsService.start`; the execution engine uses `ensureForStep`; the project
 * runner listens to `onFinished` to resume the project that waited for the agent.
 */
@Module({
  imports: [AgentsModule, ApprovalsModule, AuditModule, BudgetsModule, ConversationsModule, ProjectsModule],
  controllers: [AgentBuildsController],
  providers: [AgentBuildsRepository, AgentBuildsService],
  exports: [AgentBuildsService, AgentBuildsRepository],
})
export class AgentBuildsModule {}
