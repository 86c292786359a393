import type { ApprovalKind, ApprovalStatus, Decision } from '@orchestrator/contracts';
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
