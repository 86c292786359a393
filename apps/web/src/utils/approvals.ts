import type {
  Approval,
  ApprovalKind,
  ApprovalStatus,
  AutonomyLevel,
  Decision,
  RiskLevel,
} from '@orchestrator/contracts';
import type { TagSeverity } from './plan';

export const APPROVAL_STATUS_LOOK: Record<ApprovalStatus, { label: string; severity: TagSeverity; icon: string }> = {
  pending: { label: 'Pending', severity: 'warn', icon: 'pi pi-hourglass' },
  approved: { label: 'Approved', severity: 'success', icon: 'pi pi-check' },
  rejected: { label: 'Rejected', severity: 'danger', icon: 'pi pi-times' },
  expired: { label: 'Expired', severity: 'secondary', icon: 'pi pi-clock' },
  cancelled: { label: 'Cancelled', severity: 'contrast', icon: 'pi pi-ban' },
};

export const DECISION_LOOK: Record<
  Decision,
  { label: string; past: string; icon: string; severity: 'success' | 'danger' }
> = {
  approve: { label: 'Approve', past: 'approved', icon: 'pi pi-check', severity: 'success' },
  reject: { label: 'Reject', past: 'rejected', icon: 'pi pi-times', severity: 'danger' },
};

/** What an approval outside a project is about, in the place a project title would go. */
export function workforceChange(kind: ApprovalKind): string {
  if (kind === 'agent_creation') return 'New agent';
  if (kind === 'agent_improvement') return 'Agent improvement';
  if (kind === 'budget') return 'Budget';
  return 'Workspace';
}

/** What each kind of approval is, as a group in the bulk confirmation. */
export type ApprovalGroup = 'steps' | 'agents' | 'other';

export const APPROVAL_GROUP_LABEL: Record<ApprovalGroup, { title: string; one: string; many: string }> = {
  steps: { title: 'Project steps', one: 'project step', many: 'project steps' },
  agents: { title: 'Agent changes', one: 'agent change', many: 'agent changes' },
  other: { title: 'Plans and budgets', one: 'plan or budget', many: 'plans and budgets' },
};

export function approvalGroup(kind: ApprovalKind): ApprovalGroup {
  if (kind === 'action') return 'steps';
  if (kind === 'agent_creation' || kind === 'agent_improvement') return 'agents';
  return 'other';
}

/** The agent's title as people know it, from the loaded agents; the key only when it is unknown. */
export type AgentTitle = (name: string) => string;

/** What the approval is for, in a few words, where a list shows its kind ("Run a step"). */
export function approvalKindText(approval: Pick<Approval, 'kind' | 'action'>): string {
  switch (approval.kind) {
    case 'agent_creation':
      return 'Deploy a new agent';
    case 'agent_improvement':
      return 'Change an agent’s instructions';
    case 'plan':
      return 'Approve a plan';
    case 'budget':
      return 'Go over a budget';
    case 'action':
      if (approval.action === 'human_approval') return 'Approval checkpoint';
      if (approval.action === 'run_step') return 'Run a step';
      return sentence(approval.action);
  }
}

/** `pay_invoice` → "Pay invoice": an action key said in words. */
export function sentence(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What will happen if it is approved, in plain words with display names: "ROI Calculator will run
 * “Launch budget”." Workforce changes keep the sentence the server wrote (it already names the agent).
 */
export function whatWillHappen(approval: Approval, title: AgentTitle): string {
  if (approval.kind === 'action') {
    if (approval.action === 'human_approval')
      return `“${approval.stepName}” is a checkpoint in the plan: when you approve it, the project continues with the steps after it.`;
    if (approval.action === 'run_step') {
      const who = approval.agentName ? title(approval.agentName) : 'The assigned agent';
      return `${who} will run “${approval.stepName}”${approval.projectTitle ? ` for “${approval.projectTitle}”` : ''}.`;
    }
  }
  return approval.preview.summary;
}

/** What a rejection means, plainly: the opposite of `whatWillHappen`, never a contradiction of it. */
export function whatRejectionMeans(approval: Approval, title: AgentTitle): string {
  if (approval.kind === 'action') {
    if (approval.action === 'run_step' && approval.agentName)
      return `${title(approval.agentName)} will not run “${approval.stepName}”. The project pauses at this step so someone can retry, skip or reassign it.`;
    return `“${approval.stepName}” will not go ahead. The project pauses at this step so someone can decide what to do next.`;
  }
  if (approval.kind === 'agent_creation')
    return 'The new agent will not be deployed; nothing in the workforce changes.';
  if (approval.kind === 'agent_improvement')
    return 'The agent keeps its current instructions; the proposed change is dropped.';
  return `“${approval.stepName}” will not go ahead.`;
}

/** What each risk level means (docs: read/log; internal writes; external or data changes; money, customers, deletion). */
export const RISK_MEANING: Record<RiskLevel, string> = {
  low: 'it only reads or records information',
  medium: 'it changes things inside the organisation',
  high: 'it communicates outside the organisation or changes data',
  critical: 'it involves money, customer communication or deleting something',
};

export const AUTONOMY_TEXT: Record<AutonomyLevel, string> = {
  supervised: 'supervised: every step waits for a person',
  semi_autonomous: 'semi-autonomous: steps of medium risk and above wait for a person',
  autonomous: 'autonomous: only critical steps wait for a person',
};

/** Why it waits for a person, in one or two sentences. */
export function whyItWaits(approval: Approval, autonomy: AutonomyLevel | null): string {
  const risk = `${RISK_LABEL_TEXT[approval.riskLevel]} risk: ${RISK_MEANING[approval.riskLevel]}.`;
  if (approval.kind === 'action' && approval.action === 'human_approval')
    return `${risk} The plan asks a person to approve this point before the project goes on.`;
  if (approval.kind === 'agent_creation' || approval.kind === 'agent_improvement')
    return `${risk} Changes to the workforce always wait for a person.`;
  if (autonomy) return `${risk} This project runs ${AUTONOMY_TEXT[autonomy]}.`;
  return risk;
}

const RISK_LABEL_TEXT: Record<RiskLevel, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/** The decided state in words, never contradicting itself: "Approved by Ada Admin". */
export function decidedText(approval: Approval): string {
  const by = approval.decidedBy ? ` by ${approval.decidedBy}` : '';
  switch (approval.status) {
    case 'approved':
      return approval.viaStandingApproval
        ? `Approved by the standing approval of ${approval.decidedBy ?? 'a person'}`
        : `Approved${by}`;
    case 'rejected':
      return `Rejected${by}`;
    case 'expired':
      return 'Expired without a decision (treated as rejected)';
    case 'cancelled':
      return 'Withdrawn: the project was stopped';
    case 'pending':
      return 'Waiting for a decision';
  }
}
