import { describe, expect, it } from 'vitest';
import { approval } from '../testing/factories';
import { approvalKindText, decidedText, whatRejectionMeans, whatWillHappen, whyItWaits } from './approvals';

const title = (name: string) => ({ roi_calculator: 'ROI Calculator' })[name] ?? name;

describe('approvals in words', () => {
  it('should say what a step will do with the agent’s title, never its key or "null"', () => {
    const step = approval({ action: 'run_step', agentName: 'roi_calculator', stepName: 'Launch budget' });
    expect(whatWillHappen(step, title)).toBe('ROI Calculator will run “Launch budget” for “Launch the new product”.');
    expect(whatWillHappen({ ...step, agentName: null }, title)).toBe(
      'The assigned agent will run “Launch budget” for “Launch the new product”.',
    );
    expect(whatRejectionMeans(step, title)).toMatch(/^ROI Calculator will not run “Launch budget”\./);
  });

  it('should name kinds in words', () => {
    expect(approvalKindText({ kind: 'action', action: 'run_step' })).toBe('Run a step');
    expect(approvalKindText({ kind: 'action', action: 'human_approval' })).toBe('Approval checkpoint');
    expect(approvalKindText({ kind: 'action', action: 'pay_invoice' })).toBe('Pay invoice');
    expect(approvalKindText({ kind: 'agent_improvement', action: 'improve_agent' })).toBe(
      'Change an agent’s instructions',
    );
  });

  it('should state a decision without contradicting it', () => {
    const done = approval({ status: 'approved', decidedBy: 'Ada Admin' });
    expect(decidedText(done)).toBe('Approved by Ada Admin');
    expect(decidedText({ ...done, viaStandingApproval: true })).toBe('Approved by the standing approval of Ada Admin');
    expect(decidedText({ ...done, status: 'cancelled', decidedBy: null })).toBe('Withdrawn: the project was stopped');
  });

  it('should explain why a step waits from its risk and the project’s autonomy', () => {
    expect(whyItWaits(approval({ riskLevel: 'medium', action: 'run_step' }), 'supervised')).toBe(
      'Medium risk: it changes things inside the organisation. This project runs supervised: every step waits for a person.',
    );
  });
});
