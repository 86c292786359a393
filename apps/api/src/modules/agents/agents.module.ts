import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AgentLoadRepository } from './agent-load.repository.js';
import { AgentMetricsRepository } from './agent-metrics.repository.js';
import { AgentRegistryService } from './agent-registry.service.js';
import { AgentVersionsRepository } from './agent-versions.repository.js';
import { AgentWatcherService } from './agent-watcher.service.js';
import { AgentWorkspaceService } from './agent-workspace.service.js';
import { AgentsController } from './agents.controller.js';
import { AgentsRepository } from './agents.repository.js';

/**
 * The workforce: registry loaded from agents/ (hot-reloaded), its database mirror, live load
 * and status, and editing with versions (AgentWorkspaceService, used by the agent builder and
 * improvement flows too).
 */
@Module({
  imports: [AuditModule],
  controllers: [AgentsController],
  providers: [AgentsRepository, AgentRegistryService, AgentLoadRepository, AgentVersionsRepository, AgentMetricsRepository, AgentWorkspaceService, AgentWatcherService],
  exports: [AgentRegistryService, AgentLoadRepository, AgentWorkspaceService, AgentMetricsRepository],
})
export class AgentsModule {}
