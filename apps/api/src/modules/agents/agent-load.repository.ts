import { Inject, Injectable } from '@nestjs/common';
import type { AgentLoadInfo, AgentLoadTracker } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

/**
 * Live load per agent in agent_availability. `acquire` is one conditional UPDATE, so two
 * processes can never push an agent past its max_concurrent.
 */
@Injectable()
export class AgentLoadRepository implements AgentLoadTracker {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async snapshot(workspaceId: string): Promise<Map<string, AgentLoadInfo>> {
    const { rows } = await this.pool.query<{ agent_name: string; status: AgentLoadInfo['status']; current_load: number; max_concurrent: number }>(
      'select agent_name, status, current_load, max_concurrent from agent_availability where workspace_id = $1',
      [workspaceId],
    );
    return new Map(rows.map((r) => [r.agent_name, { status: r.status, load: r.current_load, maxConcurrent: r.max_concurrent }]));
  }

  async acquire(workspaceId: string, agent: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update agent_availability
          set current_load = current_load + 1,
              status = case when current_load + 1 >= max_concurrent then 'busy' else 'online' end,
              updated_at = now()
        where workspace_id = $1 and agent_name = $2 and status in ('online', 'busy') and current_load < max_concurrent`,
      [workspaceId, agent],
    );
    return rowCount === 1;
  }

  async release(workspaceId: string, agent: string): Promise<void> {
    await this.pool.query(
      `update agent_availability
          set current_load = greatest(current_load - 1, 0),
              status = case when status = 'busy' then 'online' else status end,
              updated_at = now()
        where workspace_id = $1 and agent_name = $2`,
      [workspaceId, agent],
    );
  }

  /**
   * At start-up nothing is running in this process yet; loads left by a crashed process would
   * otherwise block agents forever. (With several processes this moves to per-run leases.)
   */
  async resetAll(workspaceId: string): Promise<void> {
    await this.pool.query(`update agent_availability set current_load = 0, status = case when status = 'busy' then 'online' else status end where workspace_id = $1`, [workspaceId]);
  }
}
