import type { RiskLevel } from '@orchestrator/contracts';
import type { PoolClient } from '@orchestrator/db';

/**
 * Counts a decision per kind of action, from which autonomy changes are suggested. Called in the
 * transaction of the decision.
 */
export async function recordPattern(
  db: PoolClient,
  workspaceId: string,
  department: string | null,
  action: string,
  riskLevel: RiskLevel,
  outcome: 'approved' | 'rejected',
): Promise<void> {
  // Policies are per department; an action with none has no policy the pattern could relax.
  if (!department) return;
  const approved = outcome === 'approved' ? 1 : 0;
  await db.query(
    `insert into approval_patterns (workspace_id, department, action, risk_level, approved_count, rejected_count, consecutive_approvals, last_decision, last_decided_at)
     values ($1, $2, $3, $4, $5::int, 1 - $5::int, $5::int, $6, now())
     on conflict (workspace_id, department, action, risk_level) do update set
       approved_count = approval_patterns.approved_count + excluded.approved_count,
       rejected_count = approval_patterns.rejected_count + excluded.rejected_count,
       consecutive_approvals = case when excluded.last_decision = 'approved' then approval_patterns.consecutive_approvals + 1 else 0 end,
       last_decision = excluded.last_decision,
       last_decided_at = excluded.last_decided_at`,
    [workspaceId, department, action, riskLevel, approved, outcome],
  );
}
