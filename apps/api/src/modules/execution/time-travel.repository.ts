import { Injectable } from '@nestjs/common';
import type { PoolClient } from '@orchestrator/db';

/** The project runner's advisory lock key (project-runner.ts holds it for the whole run). */
const runLockKey = (projectId: string) => `project-run:${projectId}`;

/**
 * The step and error rows of a rollback or fork (see docs/api.md, time travel). Every method
 * writes in the caller's transaction, which also holds the checkpoint change, the audit entry
 * and the project's status: all of it commits together or not at all.
 */
@Injectable()
export class TimeTravelRepository {
  /**
   * Keeps runs of the project from starting until the transaction ends. False when a run holds it
   * now: a paused run may still be finishing its steps, and would write checkpoints after ours.
   */
  async holdRuns(db: PoolClient, projectId: string): Promise<boolean> {
    const { rows } = await db.query<{ ok: boolean }>(
      'select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as ok',
      [runLockKey(projectId)],
    );
    return rows[0]?.ok === true;
  }

  /**
   * Of the steps finished at the checkpoint, those whose rows are not finished now: an earlier
   * rollback to an older checkpoint reset them and dropped their results, so this checkpoint can no
   * longer be restored as it was.
   */
  async discardedSteps(db: PoolClient, workspaceId: string, projectId: string, finished: string[]): Promise<string[]> {
    const { rows } = await db.query<{ name: string }>(
      `select name from project_steps
        where workspace_id = $1 and project_id = $2 and step_key = any($3) and status not in ('completed', 'skipped')
        order by position, step_key`,
      [workspaceId, projectId, finished],
    );
    return rows.map((r) => r.name);
  }

  /** Steps not finished at the checkpoint wait to run again; their results of later runs are dropped. */
  async resetSteps(db: PoolClient, workspaceId: string, projectId: string, keepFinished: string[]): Promise<void> {
    await db.query(
      `update project_steps set status = 'pending', result = null, result_ref = null, idempotency_key = null,
              started_at = null, completed_at = null, context_version = null
        where workspace_id = $1 and project_id = $2 and not (step_key = any($3))`,
      [workspaceId, projectId, keepFinished],
    );
  }

  /**
   * Failures still waiting for a person are settled as rolled back: the restored state asks about
   * none of them (its steps run again), so nobody could answer them any more.
   */
  async resolveOpenErrors(db: PoolClient, workspaceId: string, projectId: string, userId: string): Promise<void> {
    await db.query(
      `update project_errors set recovery_action = 'rollback', resolved_at = now(), resolved_by = $3
        where workspace_id = $1 and project_id = $2 and resolved_at is null`,
      [workspaceId, projectId, userId],
    );
  }

  /**
   * The fork's steps: those finished at the checkpoint as the source has them (a stored result
   * gets a storage row of the fork's own, over the same object), every other one pending.
   */
  async copySteps(
    db: PoolClient,
    workspaceId: string,
    sourceId: string,
    forkId: string,
    finished: string[],
  ): Promise<void> {
    await db.query(
      `with source as (
         select s.*, s.step_key = any($4) as finished from project_steps s where s.workspace_id = $1 and s.project_id = $2
       ),
       stored as (
         select d.id as old_id, gen_random_uuid() as new_id
           from source s join project_data_storage d on d.id = s.result_ref where s.finished
       ),
       storage as (
         insert into project_data_storage (id, workspace_id, project_id, step_key, data_type, storage_backend, bucket,
                                           object_key, size_bytes, sha256, content_type, created_at)
         select m.new_id, d.workspace_id, $3, d.step_key, d.data_type, d.storage_backend, d.bucket, d.object_key,
                d.size_bytes, d.sha256, d.content_type, d.created_at
           from stored m join project_data_storage d on d.id = m.old_id
       )
       insert into project_steps (workspace_id, project_id, step_key, position, name, description, step_type, status,
                                  assigned_agent, assigned_human, assigned_user_id, human_collaboration_type, due_at,
                                  subproject_id, dependencies, risk_level, estimated_duration_minutes,
                                  actual_duration_minutes, config, attempt, result, result_ref, context_version, metrics,
                                  started_at, completed_at)
       select s.workspace_id, $3, s.step_key, s.position, s.name, s.description, s.step_type,
              case when s.finished then s.status else 'pending' end,
              s.assigned_agent, s.assigned_human, s.assigned_user_id, s.human_collaboration_type, s.due_at,
              s.subproject_id, s.dependencies, s.risk_level, s.estimated_duration_minutes,
              case when s.finished then s.actual_duration_minutes end, s.config,
              case when s.finished then s.attempt else 0 end,
              case when s.finished then s.result end, m.new_id,
              case when s.finished then s.context_version end,
              case when s.finished then s.metrics else '{}'::jsonb end,
              case when s.finished then s.started_at end, case when s.finished then s.completed_at end
         from source s left join stored m on m.old_id = s.result_ref`,
      [workspaceId, sourceId, forkId, finished],
    );
  }
}
