import { APPROVAL_KINDS, type Approval, type ApprovalKind } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import type { AgentBuildsService } from '../agent-builds/agent-builds.service.js';
import type { AgentImprovementsService } from '../agent-improvements/agent-improvements.service.js';
import type { ImprovementTriggersService } from '../agent-improvements/improvement-triggers.service.js';
import type { DecisionContext } from '../approvals/approvals.rows.js';
import type { ApprovalsService } from '../approvals/approvals.service.js';
import type { ExecutionService } from '../execution/execution.service.js';
import { ApprovalDecisionDispatcher } from './approval-decision.dispatcher.js';

/** The dispatcher over recording handlers: which ones a decision of each kind reaches. */
function dispatcher() {
  const calls: string[] = [];
  const note = (name: string) => () => void calls.push(name);
  const d = new ApprovalDecisionDispatcher(
    {} as ApprovalsService,
    { resumeAfterDecision: async () => note('execution.resume')() } as unknown as ExecutionService,
    { carryOutDecision: note('builds.carryOut') } as unknown as AgentBuildsService,
    { carryOutDecision: note('improvements.carryOut') } as unknown as AgentImprovementsService,
    { onRejectedStep: note('triggers.onRejectedStep') } as unknown as ImprovementTriggersService,
  );
  return { d, calls };
}

const approval = (kind: ApprovalKind) => ({ id: 'a1', kind, projectId: 'p1', status: 'approved' }) as Approval;
const context = { workspaceId: 'w1' } as DecisionContext;

describe('ApprovalDecisionDispatcher', () => {
  it.each<[ApprovalKind, string[]]>([
    ['action', ['triggers.onRejectedStep', 'execution.resume']],
    ['plan', ['execution.resume']],
    ['budget', ['execution.resume']],
    ['agent_creation', ['builds.carryOut']],
    ['agent_improvement', ['improvements.carryOut']],
  ])('should hand a decision of kind %s to its handlers only', async (kind, expected) => {
    const { d, calls } = dispatcher();
    await d.dispatch(approval(kind), context);
    expect(calls).toEqual(expected);
  });

  it('should have a handler for every approval kind in contracts', async () => {
    for (const kind of APPROVAL_KINDS) {
      const { d, calls } = dispatcher();
      await d.dispatch(approval(kind), context);
      expect(calls.length, kind).toBeGreaterThan(0);
    }
  });
});
