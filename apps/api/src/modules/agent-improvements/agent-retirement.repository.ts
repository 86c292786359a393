import { Inject, Injectable } from '@nestjs/common';
import { PlanSchema, type Plan, type PlanStep } from '@orchestrator/contracts';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

/** A step of unfinished work assigned to the agent being retired. */
export interface PendingStep {
  projectId: string;
  /** The step's key as the run knows it (`parent/child` inside a subproject). */
  stepKey: string;
  name: string;
  description: string;
  capability: string | null;
}

/** Where a step goes: another agent, or nobody (with the note saying why). */
export interface Reassignment {
  projectId: string;
  stepKey: string;
  to: string | null;
  note: string;
}

/** Projects that are over keep their history as it was. */
const LIVE_PROJECT = `p.status not in ('completed', 'failed', 'aborted')`;

function walk(steps: PlanStep[], parent: string | null, visit: (step: PlanStep, key: string) => void): void {
  for (const s of steps) {
    const key = parent ? `${parent}/${s.id}` : s.id;
    visit(s, key);
    if (s.steps) walk(s.steps, s.id, visit);
  }
}

/** The SQL of retiring an agent: its unfinished steps, in materialised runs and in plans. */
@Injectable()
export class AgentRetirementRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Steps not finished (failed ones may still be retried) in projects that are not over, run rows and plan steps alike. */
  async pendingWork(workspaceId: string, agentName: string): Promise<PendingStep[]> {
    const steps = await this.pool.query<{
      project_id: string;
      step_key: string;
      name: string;
      description: string;
      capability: string | null;
    }>(
      `select s.project_id, s.step_key, s.name, s.description, s.config->>'capability' as capability
         from project_steps s join projects p on p.id = s.project_id
        where s.workspace_id = $1 and s.assigned_agent = $2 and s.status not in ('completed', 'skipped', 'cancelled') and ${LIVE_PROJECT}
        order by p.created_at, s.position`,
      [workspaceId, agentName],
    );
    const found = new Map<string, PendingStep>();
    for (const r of steps.rows)
      found.set(`${r.project_id}:${r.step_key}`, {
        projectId: r.project_id,
        stepKey: r.step_key,
        name: r.name,
        description: r.description,
        capability: r.capability,
      });
    for (const { id, plan } of await this.plansWith(this.pool, workspaceId, agentName)) {
      walk(plan.steps, null, (s, key) => {
        if (s.assignedAgent === agentName && !found.has(`${id}:${key}`))
          found.set(`${id}:${key}`, {
            projectId: id,
            stepKey: key,
            name: s.name,
            description: s.description,
            capability: s.capability,
          });
      });
    }
    return [...found.values()];
  }

  /**
   * Moves the steps in one transaction (run rows and the plans that will still be run), then
   * calls `beforeCommit` with it (the audit entry, the folder move) so a failure there leaves
   * every assignment as it was.
   */
  async reassign(
    workspaceId: string,
    agentName: string,
    changes: Reassignment[],
    beforeCommit: (db: PoolClient) => Promise<void>,
  ): Promise<void> {
    await withTransaction(this.pool, async (db) => {
      for (const c of changes) {
        await db.query(
          `update project_steps set assigned_agent = $4, config = config || jsonb_build_object('reassignment', $5::text)
            where workspace_id = $1 and project_id = $2 and step_key = $3 and assigned_agent = $6`,
          [workspaceId, c.projectId, c.stepKey, c.to, c.note, agentName],
        );
      }
      for (const { id, plan } of await this.plansWith(db, workspaceId, agentName, true)) {
        const warnings: string[] = [];
        walk(plan.steps, null, (s, key) => {
          if (s.assignedAgent !== agentName) return;
          const c = changes.find((x) => x.projectId === id && x.stepKey === key);
          s.assignedAgent = c?.to ?? null;
          if (c) warnings.push(c.note);
        });
        const next: Plan = { ...plan, warnings: [...plan.warnings, ...warnings] };
        await db.query('update projects set plan_json = $3 where workspace_id = $1 and id = $2', [
          workspaceId,
          id,
          JSON.stringify(next),
        ]);
      }
      await beforeCommit(db);
    });
  }

  private async plansWith(
    db: Pool | PoolClient,
    workspaceId: string,
    agentName: string,
    lock = false,
  ): Promise<Array<{ id: string; plan: Plan }>> {
    const { rows } = await db.query<{ id: string; plan_json: unknown }>(
      `select p.id, p.plan_json from projects p
        where p.workspace_id = $1 and ${LIVE_PROJECT} and p.plan_json is not null
          and jsonb_path_exists(p.plan_json, '$.**.assignedAgent ? (@ == $name)', jsonb_build_object('name', $2::text))
        order by p.created_at${lock ? ' for update' : ''}`,
      [workspaceId, agentName],
    );
    return rows.flatMap((r) => {
      const parsed = PlanSchema.safeParse(r.plan_json);
      return parsed.success ? [{ id: r.id, plan: parsed.data }] : [];
    });
  }
}
