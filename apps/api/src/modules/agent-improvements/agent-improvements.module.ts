import { Module } from '@nestjs/common';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { AgentsModule } from '../agents/agents.module.js';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { DelegationsModule } from '../delegations/delegations.module.js';
import { AgentImprovementsController } from './agent-improvements.controller.js';
import {
  DEFAULT_IMPROVEMENT_OPTIONS,
  IMPROVEMENT_OPTIONS,
  type ImprovementOptions,
} from './agent-improvements.options.js';
import { AgentImprovementsRepository } from './agent-improvements.repository.js';
import { AgentImprovementsService } from './agent-improvements.service.js';
import { AgentRetirementRepository } from './agent-retirement.repository.js';
import { AgentRetirementService } from './agent-retirement.service.js';
import { ImprovementEvidenceRepository } from './improvement-evidence.repository.js';
import { ImprovementTriggersService } from './improvement-triggers.service.js';

/**
 * Improving agents (proposal → approval → new version, one-click restore) from chat feedback,
 * low ratings, rejected steps and error rates; retiring agents. The orchestrator wires
 * `AgentImprovementsService.proposeFromChat` into the conversation graph.
 */
@Module({
  imports: [AgentsModule, ApprovalsModule, AuditModule, DelegationsModule],
  controllers: [AgentImprovementsController],
  providers: [
    {
      provide: IMPROVEMENT_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ImprovementOptions => ({
        ...DEFAULT_IMPROVEMENT_OPTIONS,
        checkIntervalMs: config.env.IMPROVEMENT_CHECK_INTERVAL_MS,
      }),
    },
    AgentImprovementsRepository,
    ImprovementEvidenceRepository,
    AgentRetirementRepository,
    AgentImprovementsService,
    ImprovementTriggersService,
    AgentRetirementService,
  ],
  exports: [AgentImprovementsService, ImprovementTriggersService],
})
export class AgentImprovementsModule {}
