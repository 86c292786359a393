import { inWorkspace } from '@orchestrator/db';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Approval } from '@orchestrator/contracts';
import { AgentBuildsService } from '../agent-builds/agent-builds.service.js';
import { AgentImprovementsService } from '../agent-improvements/agent-improvements.service.js';
import { ImprovementTriggersService } from '../agent-improvements/improvement-triggers.service.js';
import type { DecisionContext } from '../approvals/approvals.rows.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { ExecutionService } from '../execution/execution.service.js';

/**
 * What happens when an approval is decided — approved, rejected, or expired (which the work
 * waiting on it treats as a rejection) — by kind, once the decision has committed
 * (docs/architecture.md, "An approval decision, end to end"). The one listener of
 * ApprovalsService.onDecided: it runs before the decision's HTTP response, so every handler only
 * starts the work (enqueues a run, starts a deployment in the background).
 */
@Injectable()
export class ApprovalDecisionDispatcher implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly approvals: ApprovalsService,
    private readonly execution: ExecutionService,
    private readonly builds: AgentBuildsService,
    private readonly improvements: AgentImprovementsService,
    private readonly improvementTriggers: ImprovementTriggersService,
  ) {}

  onModuleInit(): void {
    // Carried out in the approval's workspace, whoever (or whichever sweep) decided it.
    this.unsubscribe = this.approvals.onDecided((approval, context) =>
      inWorkspace(context.workspaceId, () => this.dispatch(approval, context)),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async dispatch(approval: Approval, context: DecisionContext): Promise<void> {
    const kind = approval.kind;
    switch (kind) {
      case 'action':
        // A rejection with reasons is feedback on the agent too (a proposal starts in the background).
        this.improvementTriggers.onRejectedStep(approval, context.workspaceId);
        return this.execution.resumeAfterDecision(approval, context.workspaceId);
      case 'plan':
      case 'budget':
        // The project's run paused on it: it goes on with the decision.
        return this.execution.resumeAfterDecision(approval, context.workspaceId);
      case 'agent_creation':
        // The build deploys the agent (or ends); a project waiting for it resumes when the build ends.
        return this.builds.carryOutDecision(approval, context);
      case 'agent_improvement':
        // The improvement applies the new version (or ends).
        return this.improvements.carryOutDecision(approval, context);
      default:
        return unhandled(kind);
    }
  }
}

/** Adding a kind to contracts fails the build here until it has a handler. */
function unhandled(kind: never): never {
  throw new Error(`No handler for approvals of kind ${String(kind)}`);
}
