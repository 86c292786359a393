import { Inject, Injectable } from '@nestjs/common';
import type { AgentImprovement } from '@orchestrator/contracts';
import type { ImprovementEnd, ImprovementProposal, ImprovementTriggerType } from '@orchestrator/core';
import type { Pool, PoolClient } from '@orchestrator/db';
import { isUuid } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';
import { auditInsert } from '../audit/audit.sql.js';

interface ImprovementRow {
  id: string;
  workspace_id: string;
  agent_name: string;
  trigger_type: AgentImprovement['triggerType'];
  trigger_details: Record<string, unknown>;
  proposal: { contextMd?: string; reason?: string; source?: string };
  diff: string | null;
  status: AgentImprovement['status'];
  status_reason: string | null;
  base_version: number | null;
  new_version: number | null;
  old_version_backup: { version: number; contextMd: string; definition: unknown } | null;
  approval_id: string | null;
  conversation_id: string | null;
  created_at: Date;
  applied_at: Date | null;
  rolled_back_at: Date | null;
}

/** An improvement with what only the server needs (the backup to restore, the workspace). */
export interface ImprovementRecord {
  improvement: AgentImprovement;
  workspaceId: string;
  conversationId: string | null;
  /** Who wrote the proposal: the configured model, or the offline improver. */
  source: 'llm' | 'offline';
  backup: ImprovementRow['old_version_backup'];
}

export interface NewImprovement {
  workspaceId: string;
  agentName: string;
  triggerType: ImprovementTriggerType;
  triggerDetails: Record<string, unknown>;
  conversationId?: string | null;
  projectId?: string | null;
  /** The person who asked for it (audited as theirs); null for a trigger (ratings, rejections, error rates). */
  proposedBy?: string | null;
}

const OPEN = `('proposed', 'pending_approval', 'approved')`;
const COLUMNS = `id, workspace_id, agent_name, trigger_type, trigger_details, proposal, diff, status, status_reason, base_version, new_version,
  old_version_backup, approval_id, conversation_id, created_at, applied_at, rolled_back_at`;

/** The reason shown: why it was proposed, and for a rejected or failed one first why it ended. */
function reasonOf(r: ImprovementRow): string {
  const proposed = r.proposal.reason ?? '';
  if (!r.status_reason || (r.status !== 'rejected' && r.status !== 'failed')) return proposed;
  return proposed && proposed !== r.status_reason
    ? `${r.status_reason}\n\nProposed because: ${proposed}`
    : r.status_reason;
}

const toRecord = (r: ImprovementRow): ImprovementRecord => ({
  workspaceId: r.workspace_id,
  conversationId: r.conversation_id,
  source: r.proposal.source === 'llm' ? 'llm' : 'offline',
  backup: r.old_version_backup,
  improvement: {
    id: r.id,
    agentName: r.agent_name,
    triggerType: r.trigger_type,
    triggerDetails: r.trigger_details,
    reason: reasonOf(r),
    proposedContextMd: r.proposal.contextMd ?? '',
    diff: r.diff ?? '',
    status: r.status,
    baseVersion: r.base_version,
    newVersion: r.new_version,
    approvalId: r.approval_id,
    createdAt: r.created_at.toISOString(),
    appliedAt: r.applied_at?.toISOString() ?? null,
    rolledBackAt: r.rolled_back_at?.toISOString() ?? null,
  },
});

/** agent_improvements: one row per proposal, from trigger to applied / rejected / failed / rolled back. */
@Injectable()
export class AgentImprovementsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Opens a proposal for the agent, or returns the one already open (`created: false`): the
   * partial unique index allows one open proposal per agent, so concurrent triggers cannot race.
   * A proposal a person asked for is audited as theirs in the same statement.
   */
  async open(input: NewImprovement): Promise<{ record: ImprovementRecord; created: boolean }> {
    const { rows } = await this.pool.query<ImprovementRow>(
      `with i as (
         insert into agent_improvements (workspace_id, agent_name, trigger_type, trigger_details, conversation_id, project_id, status)
         values ($1, $2, $3, $4, $5, $6, 'proposed')
         on conflict do nothing
         returning ${COLUMNS}
       ), audited as (
         ${auditInsert(
           ['workspace_id', 'actor_type', 'actor', 'action', 'target_type', 'target_id', 'mode', 'result', 'details'],
           `select i.workspace_id, 'user', $7::text, 'improvement.propose', 'improvement', i.id::text, 'manual', 'success',
                   jsonb_build_object('agent', i.agent_name, 'trigger', i.trigger_type) from i where $7 is not null`,
         )}
       )
       select * from i`,
      [
        input.workspaceId,
        input.agentName,
        input.triggerType,
        JSON.stringify(input.triggerDetails),
        input.conversationId ?? null,
        input.projectId ?? null,
        input.proposedBy ?? null,
      ],
    );
    if (rows[0]) return { record: toRecord(rows[0]), created: true };
    const open = await this.openFor(input.workspaceId, input.agentName);
    if (!open) throw new Error(`improvement of ${input.agentName} conflicted but no open one could be read back`);
    return { record: open, created: false };
  }

  async openFor(workspaceId: string, agentName: string): Promise<ImprovementRecord | undefined> {
    const { rows } = await this.pool.query<ImprovementRow>(
      `select ${COLUMNS} from agent_improvements where workspace_id = $1 and agent_name = $2 and status in ${OPEN} limit 1`,
      [workspaceId, agentName],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Whether the agent had a proposal of this trigger since `since` (metric checks do not repeat every tick). */
  async triggeredSince(
    workspaceId: string,
    agentName: string,
    triggerType: ImprovementTriggerType,
    since: Date,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'select 1 from agent_improvements where workspace_id = $1 and agent_name = $2 and trigger_type = $3 and created_at >= $4 limit 1',
      [workspaceId, agentName, triggerType, since],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Open improvements whose approval was decided but which were never resumed (the process stopped). */
  async decidedButWaiting(): Promise<Array<{ workspaceId: string; improvementId: string; approvalId: string }>> {
    const { rows } = await this.pool.query<{ workspace_id: string; id: string; approval_id: string }>(
      `select i.workspace_id, i.id, i.approval_id from agent_improvements i
         join pending_approvals a on a.id = i.approval_id
        where i.status in ('pending_approval', 'approved') and a.status <> 'pending'
        order by i.created_at limit 100`,
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, improvementId: r.id, approvalId: r.approval_id }));
  }

  async get(workspaceId: string, id: string): Promise<ImprovementRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query<ImprovementRow>(
      `select ${COLUMNS} from agent_improvements where workspace_id = $1 and id = $2`,
      [workspaceId, id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async byApproval(workspaceId: string, approvalId: string): Promise<ImprovementRecord | undefined> {
    const { rows } = await this.pool.query<ImprovementRow>(
      `select ${COLUMNS} from agent_improvements where workspace_id = $1 and approval_id = $2`,
      [workspaceId, approvalId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Newest first; an agent has few proposals, so no paging. */
  async list(workspaceId: string, agentName: string, limit = 100): Promise<ImprovementRecord[]> {
    const { rows } = await this.pool.query<ImprovementRow>(
      `select ${COLUMNS} from agent_improvements where workspace_id = $1 and agent_name = $2 order by created_at desc, id desc limit $3`,
      [workspaceId, agentName, limit],
    );
    return rows.map(toRecord);
  }

  async saveProposal(workspaceId: string, id: string, p: ImprovementProposal): Promise<ImprovementRecord> {
    return this.update(workspaceId, id, `proposal = $3, diff = $4, base_version = $5`, [
      JSON.stringify({ contextMd: p.contextMd, reason: p.reason, source: p.source }),
      p.diff,
      p.baseVersion,
    ]);
  }

  async setApproval(workspaceId: string, id: string, approvalId: string): Promise<ImprovementRecord> {
    return this.update(
      workspaceId,
      id,
      `approval_id = $3, status = case when status = 'proposed' then 'pending_approval' else status end`,
      [approvalId],
    );
  }

  async markApproved(workspaceId: string, id: string, userId: string | null): Promise<ImprovementRecord> {
    return this.update(
      workspaceId,
      id,
      `status = 'approved', approved_by = $3, approved_at = now()`,
      [userId],
      `status = 'pending_approval'`,
    );
  }

  async finish(workspaceId: string, id: string, end: ImprovementEnd): Promise<ImprovementRecord> {
    if (end.status === 'applied') {
      return this.update(
        workspaceId,
        id,
        `status = 'applied', new_version = $3, old_version_backup = $4, applied_at = now(), status_reason = null`,
        [
          end.newVersion,
          JSON.stringify({
            version: end.backup.version,
            contextMd: end.backup.contextMd,
            definition: end.backup.definition,
          }),
        ],
      );
    }
    return this.update(workspaceId, id, `status = $3, status_reason = $4`, [end.status, end.reason]);
  }

  /** How a person is named in version history (the same as the Workforce editor's saves). */
  async userName(userId: string): Promise<string> {
    const { rows } = await this.pool.query<{ name: string }>(
      'select coalesce(display_name, email) as name from users where id = $1',
      [userId],
    );
    return rows[0]?.name ?? 'unknown user';
  }

  /** Only an applied improvement can be rolled back, and only once; in the caller's transaction (the restore's). */
  async markRolledBack(db: PoolClient, workspaceId: string, id: string, version: number): Promise<boolean> {
    const { rowCount } = await db.query(
      `update agent_improvements set status = 'rolled_back', rolled_back_at = now(), rolled_back_version = $3
        where workspace_id = $1 and id = $2 and status = 'applied'`,
      [workspaceId, id, version],
    );
    return rowCount === 1;
  }

  private async update(
    workspaceId: string,
    id: string,
    set: string,
    params: unknown[],
    guard = 'true',
  ): Promise<ImprovementRecord> {
    const { rows } = await this.pool.query<ImprovementRow>(
      `update agent_improvements set ${set} where workspace_id = $1 and id = $2 and ${guard} returning ${COLUMNS}`,
      [workspaceId, id, ...params],
    );
    if (rows[0]) return toRecord(rows[0]);
    const current = await this.get(workspaceId, id);
    if (!current) throw new Error(`improvement ${id} does not exist`);
    return current;
  }
}
