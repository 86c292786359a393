import { Module } from '@nestjs/common';
import { AgentRegistryService } from './agent-registry.service.js';
import { AgentsController } from './agents.controller.js';
import { AgentLoadRepository } from './agent-load.repository.js';
import { AgentsRepository } from './agents.repository.js';

@Module({
  controllers: [AgentsController],
  providers: [AgentsRepository, AgentRegistryService, AgentLoadRepository],
  exports: [AgentRegistryService, AgentLoadRepository],
})
export class AgentsModule {}
