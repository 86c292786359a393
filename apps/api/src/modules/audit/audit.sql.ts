/** The columns of the append-only audit log that an entry may fill. */
export type AuditColumn =
  | 'workspace_id'
  | 'actor_type'
  | 'actor'
  | 'action'
  | 'target_type'
  | 'target_id'
  | 'project_id'
  | 'step_key'
  | 'department'
  | 'risk_level'
  | 'mode'
  | 'approval_id'
  | 'approved_by'
  | 'result'
  | 'error'
  | 'details'
  | 'created_at';

/**
 * `insert into audit_log (…) <rows>`: the audit module's own table, named here only. Other
 * modules whose change and its audit entry must be one statement (a plan approval, a step
 * completion: hot paths where a transaction would cost round trips; a change that is one
 * statement already, such as an upsert or an insert whose unique violation is an answer) embed
 * this as a CTE; everything else appends through AuditRepository.
 */
export const auditInsert = (columns: readonly AuditColumn[], rows: string): string =>
  `insert into audit_log (${columns.join(', ')}) ${rows}`;
