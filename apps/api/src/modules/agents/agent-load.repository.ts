import { Inject, Injectable } from '@nestjs/common';
import type { AgentStatusChanged } from '@orchestrator/contracts';
import type { AgentLoadInfo, AgentLoadTracker } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';

type StatusRow = { agent_name: string; status: AgentStatusChanged['status']; current_load: number; max_concurrent: number };

/**
 * Live load per agent in agent_availability. `acquire` is one conditional UPDATE, so two
 * processes can never push an agent past its max_concurrent. Every change is pushed to the
 * workspace as `agent.status_changed` (after the statement: there is no surrounding transaction).
 *
 * Status: busy while it has any task, online at load 0. An agent being created takes no task (the
 * router skips it too); one being improved keeps working with its current Context.md while the
 * proposal waits, and keeps showing `being_improved` until its lifecycle ends.
 */
@Injectable()
export class AgentLoadRepository implements AgentLoadTracker {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly publisher: RealtimePublisher,
  ) {}

  async snapshot(workspaceId: string): Promise<Map<string, AgentLoadInfo>> {
    const { rows } = await this.pool.query<{ agent_name: string; status: AgentLoadInfo['status']; current_load: number; max_concurrent: number }>(
      'select agent_name, status, current_load, max_concurrent from agent_availability where workspace_id = $1',
      [workspaceId],
    );
    return new Map(rows.map((r) => [r.agent_name, { status: r.status, load: r.current_load, maxConcurrent: r.max_concurrent }]));
  }

  async acquire(workspaceId: string, agent: string): Promise<boolean> {
    const { rows } = await this.pool.query<StatusRow>(
      `update agent_availability
          set current_load = current_load + 1,
              status = case when status = 'being_improved' then status else 'busy' end,
              updated_at = now()
        where workspace_id = $1 and agent_name = $2 and status in ('online', 'busy', 'being_improved') and current_load < max_concurrent
        returning agent_name, status, current_load, max_concurrent`,
      [workspaceId, agent],
    );
    this.publish(workspaceId, rows[0]);
    return rows.length === 1;
  }

  async release(workspaceId: string, agent: string): Promise<void> {
    const { rows } = await this.pool.query<StatusRow>(
      `update agent_availability
          set current_load = greatest(current_load - 1, 0),
              status = case when status = 'busy' and current_load <= 1 then 'online' else status end,
              updated_at = now()
        where workspace_id = $1 and agent_name = $2
        returning agent_name, status, current_load, max_concurrent`,
      [workspaceId, agent],
    );
    this.publish(workspaceId, rows[0]);
  }

  /**
   * Being created / being improved, or back to its load-based status (null). An invalid agent
   * stays offline and a retired one retired: a lifecycle never hides that.
   */
  async setLifecycle(workspaceId: string, agent: string, lifecycle: 'being_created' | 'being_improved' | null): Promise<AgentStatusChanged | undefined> {
    const { rows } = await this.pool.query<StatusRow>(
      `update agent_availability av
          set status = case
                when m.status = 'invalid' then 'offline'
                when $3::text is not null then $3::text
                when av.current_load > 0 then 'busy'
                else 'online' end,
              updated_at = now()
         from managed_agents m
        where av.workspace_id = $1 and av.agent_name = $2 and m.workspace_id = av.workspace_id and m.name = av.agent_name
          and av.status <> 'retired'
        returning av.agent_name, av.status, av.current_load, av.max_concurrent`,
      [workspaceId, agent, lifecycle],
    );
    return this.publish(workspaceId, rows[0]);
  }

  /**
   * At start-up nothing is running in this process yet; loads left by a crashed process would
   * otherwise block agents forever. (With several processes this moves to per-run leases.)
   */
  async resetAll(workspaceId: string): Promise<void> {
    await this.pool.query(`update agent_availability set current_load = 0, status = case when status = 'busy' then 'online' else status end where workspace_id = $1`, [workspaceId]);
  }

  private publish(workspaceId: string, row: StatusRow | undefined): AgentStatusChanged | undefined {
    if (!row) return undefined;
    const event: AgentStatusChanged = { name: row.agent_name, status: row.status, currentLoad: row.current_load, maxConcurrent: row.max_concurrent };
    this.publisher.agentStatusChanged(workspaceId, event);
    return event;
  }
}
