import { Inject, Injectable } from '@nestjs/common';
import type { CandidateScore, DelegationInfo } from '@orchestrator/contracts';
import type { DelegationRecord, DelegationStore } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { isUuid } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';

@Injectable()
export class DelegationsRepository implements DelegationStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async record(r: DelegationRecord): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into delegation_history (workspace_id, conversation_id, delegated_by, task, chosen_agent, candidate_scores, reason, fallback_from, outcome, duration_ms, completed_at, context_version)
       values ($1, $2, 'ceo_orchestrator', $3, $4, $5, $6, $7, $8, $9, case when $8 = 'pending' then null else now() end, $10)
       returning id`,
      [
        r.workspaceId,
        r.conversationId,
        r.task,
        r.agent,
        JSON.stringify(r.candidates),
        r.reason,
        r.fallbackFrom,
        r.outcome,
        r.durationMs,
        r.contextVersion,
      ],
    );
    return rows[0]!.id;
  }

  /** Links the delegation to the reply message that presented it. */
  async attachMessage(workspaceId: string, delegationId: string, messageId: string): Promise<void> {
    await this.pool.query('update delegation_history set message_id = $3 where workspace_id = $1 and id = $2', [
      workspaceId,
      delegationId,
      messageId,
    ]);
  }

  async rate(
    workspaceId: string,
    id: string,
    userId: string,
    rating: number,
    comment: string | undefined,
  ): Promise<DelegationInfo> {
    if (!isUuid(id)) throw new AppError('delegation/not_found', `Delegation ${id} does not exist.`);
    const { rows } = await this.pool.query<{
      id: string;
      chosen_agent: string;
      title: string | null;
      reason: string | null;
      candidate_scores: CandidateScore[];
      fallback_from: string | null;
      kind: DelegationInfo['kind'] | null;
      rating: number;
      context_version: number | null;
    }>(
      `update delegation_history d set rating = $4, feedback = $5, rated_by = $3, rated_at = now()
        where d.workspace_id = $1 and d.id = $2
        returning d.id, d.chosen_agent, d.reason, d.candidate_scores, d.fallback_from, d.rating, d.context_version,
          (select title from managed_agents a where a.workspace_id = d.workspace_id and a.name = d.chosen_agent) as title,
          (select m.metadata #>> '{delegation,kind}' from messages m where m.id = d.message_id) as kind`,
      [workspaceId, id, userId, rating, comment ?? null],
    );
    const r = rows[0];
    if (!r) throw new AppError('delegation/not_found', `Delegation ${id} does not exist.`);
    return {
      id: r.id,
      agent: r.chosen_agent,
      agentTitle: r.title ?? r.chosen_agent,
      reason: r.reason ?? '',
      candidates: r.candidate_scores,
      fallbackFrom: r.fallback_from,
      kind: r.kind ?? 'offline_draft',
      rating: r.rating,
      contextVersion: r.context_version,
    };
  }
}
