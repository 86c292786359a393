import type { Approval, ApprovalKind, ApprovalPreview, ApprovalStatus, RiskLevel } from '@orchestrator/contracts';

export type { ApprovalKind };

/** What the execution engine (or a workforce change) knows when it pauses for approval. */
export interface NewApproval {
  workspaceId: string;
  /** Null outside a project (an agent built or improved from the chat or the Workforce view). */
  projectId: string | null;
  stepKey: string | null;
  kind?: ApprovalKind;
  conversationId?: string | null;
  /** Where the run paused: resuming this interrupt with the decision continues exactly that step. */
  threadId?: string | null;
  checkpointNs?: string;
  checkpointId?: string | null;
  interruptId?: string | null;
  agentName: string | null;
  /** The org-chart chain that led to the action, outermost first. */
  delegationPath?: string[];
  department: string | null;
  action: string;
  riskLevel: RiskLevel;
  preview: ApprovalPreview;
  /** The person expected to decide, when known. */
  assignedUserId?: string | null;
  /** Omitted: the department's autonomy policy expiry, else the default. Null: never expires. */
  expiresAt?: Date | null;
}

/** What the engine needs, beyond the public Approval, to resume the paused run. */
export interface DecisionContext {
  workspaceId: string;
  kind: ApprovalKind;
  threadId: string | null;
  checkpointNs: string;
  checkpointId: string | null;
  interruptId: string | null;
  /** The deciding user's id (Approval.decidedBy is their display name); null for expiry. */
  decidedByUserId: string | null;
}

export interface ApprovalRecord {
  approval: Approval;
  context: DecisionContext;
}

export interface ApprovalRow {
  id: string;
  workspace_id: string;
  kind: ApprovalKind;
  project_id: string | null;
  project_title: string | null;
  step_key: string | null;
  step_name: string | null;
  agent_name: string | null;
  department: string | null;
  action: string;
  risk_level: RiskLevel;
  status: ApprovalStatus;
  preview: Record<string, unknown> | null;
  requested_at: Date;
  expires_at: Date | null;
  decided_at: Date | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decision_notes: string | null;
  escalation_level: number;
  escalated_to: string | null;
  thread_id: string | null;
  checkpoint_ns: string;
  checkpoint_id: string | null;
  interrupt_id: string | null;
  standing_approval_id: string | null;
}

/** The project title and step name are joined in when the approval belongs to a project step. */
export const APPROVAL_SELECT = `
  select a.id, a.workspace_id, a.kind, a.project_id, p.title as project_title, a.step_key, s.name as step_name,
         a.agent_name, a.department, a.action, a.risk_level, a.status, a.preview, a.requested_at, a.expires_at,
         a.decided_at, a.decided_by, coalesce(u.display_name, u.email) as decided_by_name, a.decision_notes,
         a.escalation_level, a.escalated_to, a.thread_id, a.checkpoint_ns, a.checkpoint_id, a.interrupt_id,
         a.standing_approval_id
    from pending_approvals a
    left join projects p on p.id = a.project_id
    left join project_steps s on s.project_id = a.project_id and s.step_key = a.step_key
    left join users u on u.id = a.decided_by`;

/** Rows written before previews were structured still render: the action stands in for a summary. */
function toPreview(raw: Record<string, unknown> | null, action: string): ApprovalPreview {
  const summary = typeof raw?.summary === 'string' ? raw.summary : action;
  const details =
    raw?.details && typeof raw.details === 'object' && !Array.isArray(raw.details)
      ? (raw.details as Record<string, unknown>)
      : {};
  return { summary, details };
}

export const toApproval = (r: ApprovalRow): Approval => ({
  id: r.id,
  kind: r.kind,
  projectId: r.project_id,
  projectTitle: r.project_title,
  stepKey: r.step_key ?? '',
  // Outside a project there is no step: the preview's summary names what is asked.
  stepName: r.step_name ?? r.step_key ?? toPreview(r.preview, r.action).summary,
  agentName: r.agent_name,
  department: r.department,
  action: r.action,
  riskLevel: r.risk_level,
  status: r.status,
  preview: toPreview(r.preview, r.action),
  requestedAt: r.requested_at.toISOString(),
  expiresAt: r.expires_at?.toISOString() ?? null,
  decidedAt: r.decided_at?.toISOString() ?? null,
  decidedBy: r.decided_by_name ?? r.decided_by,
  decisionNotes: r.decision_notes,
  escalationLevel: r.escalation_level,
  escalatedTo: r.escalated_to,
  viaStandingApproval: r.standing_approval_id !== null,
});

export const toRecord = (r: ApprovalRow): ApprovalRecord => ({
  approval: toApproval(r),
  context: {
    workspaceId: r.workspace_id,
    kind: r.kind,
    threadId: r.thread_id,
    checkpointNs: r.checkpoint_ns,
    checkpointId: r.checkpoint_id,
    interruptId: r.interrupt_id,
    decidedByUserId: r.decided_by,
  },
});

/** "24 h", "90 min", "2 d 3 h": how long an approval waited, for the expiry note. */
export function formatWait(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', m && !d ? `${m} min` : ''].filter(Boolean);
  return parts.join(' ') || `${minutes} min`;
}
