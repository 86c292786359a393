import type { ProjectStatus, StepStatus } from '@orchestrator/contracts';
import type { LoadedRun, RunContext } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { AppError } from '../../../common/app-error.js';
import { policyOf, type PolicyRow } from '../execution.rows.js';

type RunPolicy = Pick<LoadedRun, 'autonomy' | 'defaultAutonomy'>;

export interface StepView {
  name: string;
  position: number;
  status: StepStatus;
  agent: string | null;
  resultRef: string | null;
  idempotencyKey: string | null;
  preview: string | null;
  started: boolean;
}

/** What a run reads about its project once, instead of once per step. */
export interface RunState {
  /** The project's status when the run started (the runner decides from it whether to run). */
  status: ProjectStatus;
  /** The plan as stored (parsed only by a run that loads it into a fresh thread). */
  plan: { json: unknown; version: number };
  policy: RunPolicy;
  /** The project's own run limits (`metadata.limits`); null: the default applies. */
  limits: { maxSteps: number | null; maxLoops: number | null };
  steps: Map<string, StepView>;
  /**
   * Inline results completed during this run, for the steps that depend on them (bounded by
   * RESULT_CACHE_BYTES). A result in blob storage is never kept: `steps` has its reference and a
   * dependent reads it from the blob store when it runs.
   */
  results: Map<string, string | undefined>;
  resultBytes: number;
}

/** Inline results kept for dependents per run; beyond this they are read back from Postgres. */
const RESULT_CACHE_BYTES = 16 * 1024 * 1024;

type LoadRow = PolicyRow & {
  status: ProjectStatus;
  plan_json: unknown;
  plan_version: number;
  /** Completions saved with checkpoints and not yet applied to the step rows. */
  unapplied: boolean;
  max_steps: number | null;
  max_loops: number | null;
  steps: Array<{
    key: string;
    name: string;
    position: number;
    status: StepStatus;
    agent: string | null;
    result_ref: string | null;
    idempotency_key: string | null;
    preview: string | null;
    started: boolean;
  }>;
};

const LOAD_RUN_STATE = `select p.status, p.plan_json, coalesce(p.approved_version, p.current_plan_version) as plan_version, p.autonomy_level,
    exists (select 1 from step_completions c where c.project_id = p.id) as unapplied,
    (select json_object_agg(a.department, a.level) from autonomy_policies a where a.workspace_id = p.workspace_id) as policies,
    (p.metadata -> 'limits' ->> 'maxSteps')::int as max_steps, (p.metadata -> 'limits' ->> 'maxLoops')::int as max_loops,
    coalesce((select json_agg(json_build_object('key', s.step_key, 'name', s.name, 'position', s.position, 'status', s.status, 'agent', s.assigned_agent,
                 'result_ref', s.result_ref, 'idempotency_key', s.idempotency_key, 'preview', left(s.result ->> 'content', 200), 'started', s.started_at is not null))
                from project_steps s where s.project_id = p.id), '[]') as steps
   from projects p where p.workspace_id = $1 and p.id = $2`;

/**
 * The project's status, plan, step table, autonomy and run limits as a run sees them, read in
 * one statement when the run starts and kept up to date by the run's own writes. Sound because a
 * project is run by one worker at a time (the runner's advisory lock) and nothing else changes its
 * steps while it runs: people's decisions (retry, skip, rollback) are applied between runs, and
 * every run starts from a fresh read. Outside a run (no `open`), each call reads afresh.
 */
export class RunStates {
  /** Open runs by project; the object stands for the run (see `current`), its state may be re-read. */
  private readonly open = new Map<string, { state: Promise<RunState>; holders: number }>();

  constructor(
    private readonly pool: Pool,
    /** Applies the completions saved for the project: a read that finds some waits for them. */
    private readonly applySaved: (ctx: RunContext) => Promise<void> = async () => undefined,
  ) {}

  /** Opens the project's run (the runner, then the engine: the first opens it, the last `end` closes it). */
  begin(ctx: RunContext): void {
    const run = this.open.get(ctx.projectId);
    if (run) run.holders++;
    else this.open.set(ctx.projectId, { state: this.read(ctx), holders: 1 });
  }

  end(ctx: RunContext): void {
    const run = this.open.get(ctx.projectId);
    if (run && --run.holders <= 0) this.open.delete(ctx.projectId);
  }

  /** The project's open run (an identity: a write scheduled by a run that ended is dropped), if any. */
  current(ctx: RunContext): object | undefined {
    return this.open.get(ctx.projectId);
  }

  /** After a write whose outcome is unknown (dropped with the node's work): read afresh. */
  reload(ctx: RunContext): void {
    const run = this.open.get(ctx.projectId);
    if (run) run.state = this.read(ctx);
  }

  get(ctx: RunContext): Promise<RunState> {
    return this.open.get(ctx.projectId)?.state ?? this.load(ctx);
  }

  /** Applies a change to the open run's state (no-op outside a run: the next read sees the database). */
  update(ctx: RunContext, change: (state: RunState) => void): void {
    void this.open.get(ctx.projectId)?.state.then(change, () => undefined);
  }

  private read(ctx: RunContext): Promise<RunState> {
    const state = this.load(ctx);
    // A failed read is reported by the first step that needs it; the run then fails as before.
    state.catch(() => undefined);
    return state;
  }

  /**
   * The steps initSteps inserted: new ones are pending and not started; rows that were there
   * already were in the run's first read and keep what it found.
   */
  static addSteps(
    state: RunState,
    steps: Array<{ step_key: string; name: string; position: number; assigned_agent: string | null }>,
  ): void {
    for (const s of steps) {
      if (state.steps.has(s.step_key)) continue;
      state.steps.set(s.step_key, {
        name: s.name,
        position: s.position,
        status: 'pending',
        agent: s.assigned_agent,
        resultRef: null,
        idempotencyKey: null,
        preview: null,
        started: false,
      });
    }
  }

  /** Keeps a completed inline result for the steps that depend on it, within the run's byte budget. */
  static keepResult(state: RunState, stepKey: string, content: string): void {
    const bytes = content.length * 2;
    if (state.resultBytes + bytes > RESULT_CACHE_BYTES) return;
    state.results.set(stepKey, content);
    state.resultBytes += bytes;
  }

  private async load(ctx: RunContext): Promise<RunState> {
    let r = await this.query(ctx);
    // Completions a run saved and nobody applied yet (the applier is behind, or a process died):
    // the steps are read once they are applied. Usually there are none, and this costs nothing.
    if (r?.unapplied) {
      await this.applySaved(ctx);
      r = await this.query(ctx);
    }
    if (!r) throw new AppError('project/not_found', `Project ${ctx.projectId} does not exist.`);
    const steps = new Map(
      r.steps.map((s) => [
        s.key,
        {
          name: s.name,
          position: s.position,
          status: s.status,
          agent: s.agent,
          resultRef: s.result_ref,
          idempotencyKey: s.idempotency_key,
          preview: s.preview,
          started: s.started,
        },
      ]),
    );
    return {
      status: r.status,
      plan: { json: r.plan_json, version: r.plan_version },
      policy: policyOf(r),
      limits: { maxSteps: r.max_steps, maxLoops: r.max_loops },
      steps,
      results: new Map(),
      resultBytes: 0,
    };
  }

  private async query(ctx: RunContext): Promise<LoadRow | undefined> {
    const { rows } = await this.pool.query<LoadRow>({
      name: 'execution_run_state',
      text: LOAD_RUN_STATE,
      values: [ctx.workspaceId, ctx.projectId],
    });
    return rows[0];
  }
}
