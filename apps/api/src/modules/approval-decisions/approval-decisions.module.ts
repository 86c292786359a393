import { Module } from '@nestjs/common';
import { AgentBuildsModule } from '../agent-builds/agent-builds.module.js';
import { AgentImprovementsModule } from '../agent-improvements/agent-improvements.module.js';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { ExecutionModule } from '../execution/execution.module.js';
import { ApprovalDecisionDispatcher } from './approval-decision.dispatcher.js';

/** Carries out approval decisions: above the modules whose work waits on an approval. */
@Module({
  imports: [ApprovalsModule, ExecutionModule, AgentBuildsModule, AgentImprovementsModule],
  providers: [ApprovalDecisionDispatcher],
})
export class ApprovalDecisionsModule {}
