import { Inject, Injectable } from '@nestjs/common';
import type { RunContext } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../../database/tokens.js';

export type RecoveryChoice = { action: 'retry' | 'skip' | 'reassign' | 'abort'; agent: string | null };

/** What the project runner reads and writes besides the engine's store: people's answers and the runs to pick up. */
@Injectable()
export class RunnerRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The recovery a person chose for a failed step, if any and not yet applied. */
  async recoveryChoice(errorId: string): Promise<RecoveryChoice | undefined> {
    const { rows } = await this.pool.query<{ recovery_action: RecoveryChoice['action']; agent: string | null }>(
      `select recovery_action, details ->> 'agent' as agent from project_errors
        where id = $1 and recovery_action in ('retry', 'skip', 'reassign', 'abort') and resolved_at is null`,
      [errorId],
    );
    const r = rows[0];
    return r && { action: r.recovery_action, agent: r.agent };
  }

  /** The errors whose answers a run has carried out. */
  async resolveErrors(errorIds: string[]): Promise<void> {
    if (errorIds.length === 0) return;
    await this.pool.query('update project_errors set resolved_at = now() where id = any($1) and resolved_at is null', [
      errorIds,
    ]);
  }

  /** The status of each of these projects that exists (what the runs' stop check reads). */
  async statuses(projectIds: string[]): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ id: string; status: string }>({
      name: 'runner_project_statuses',
      text: 'select id, status from projects where id = any($1::uuid[])',
      values: [projectIds],
    });
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * Projects a run must look at when the process starts: those left running (a process died
   * mid-run), those paused for an approval that waits for nothing any more — no approval
   * pending, or one decided whose step still waits for it (a decision that met the pause, or
   * whose resume was lost with a process) — and those paused on an error a person has chosen a
   * recovery for that no run has carried out.
   */
  async toPickUp(): Promise<RunContext[]> {
    const { rows } = await this.pool.query<{ workspace_id: string; id: string }>(
      `select p.workspace_id, p.id from projects p
        where p.status = 'running'
           or (p.status = 'paused_for_approval'
               and (not exists (select 1 from pending_approvals a where a.project_id = p.id and a.status = 'pending')
                    or exists (select 1 from pending_approvals a
                                 join project_steps s on s.project_id = a.project_id and s.step_key = a.step_key
                                where a.project_id = p.id and a.status <> 'pending' and s.status = 'pending_approval')))
           or (p.status = 'paused_on_error'
               and exists (select 1 from project_errors e where e.project_id = p.id and e.resolved_at is null
                             and e.recovery_action in ('retry', 'skip', 'reassign', 'abort')))`,
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, projectId: r.id }));
  }
}
