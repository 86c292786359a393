import { Command, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { CheckpointInfo } from '@orchestrator/contracts';
import type { ExecutionGraphDeps } from '../graphs/execution/deps.js';
import { projectThreadId, RunHeld } from '../graphs/execution/deps.js';
import { buildExecutionGraph, type ExecutionGraph } from '../graphs/execution/graph.js';
import type { ExecutionStateType } from '../graphs/execution/state.js';
import type { ExecutionInterrupt, ExecutionResume, RunContext } from './ports.js';

export interface PendingInterrupt {
  id: string;
  value: ExecutionInterrupt;
}

export type RunResult =
  | { kind: 'completed' }
  | { kind: 'aborted'; reason: string }
  | { kind: 'interrupted'; interrupts: PendingInterrupt[] }
  /** Stopped between batches because the project was paused or cancelled from outside. */
  | { kind: 'stopped' };

/** Port: whether a run must stop at the next batch boundary (pause, cancel, abort). */
export interface ExecutionControl {
  shouldStop(ctx: RunContext): Promise<boolean>;
}

export interface ExecutionEngineDeps extends ExecutionGraphDeps {
  checkpointer: BaseCheckpointSaver;
  control: ExecutionControl;
}

/**
 * Runs project threads (one LangGraph thread per project, checkpoints written synchronously) and
 * reports how a run stopped. It holds no state of its own: any process can continue any run
 * from its last checkpoint.
 */
export class ExecutionEngine {
  private readonly graph: ExecutionGraph;
  /** Runs in progress in this process, by project: `cancel` interrupts their steps, `pause` holds new ones. */
  private readonly active = new Map<string, { controller: AbortController; pausing: boolean }>();

  constructor(private readonly deps: ExecutionEngineDeps) {
    this.graph = buildExecutionGraph(
      { ...deps, holding: (ctx) => this.active.get(ctx.projectId)?.pausing === true },
      deps.checkpointer,
    );
  }

  private config(ctx: RunContext, checkpointId?: string) {
    return {
      configurable: {
        thread_id: projectThreadId(ctx.projectId),
        ...ctx,
        ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
      },
    };
  }

  /** Starts, continues (no `resume`) or resumes (answers keyed by interrupt id) a run. */
  async run(ctx: RunContext, resume?: Record<string, ExecutionResume>): Promise<RunResult> {
    const config = this.config(ctx);
    const controller = new AbortController();
    const entry = { controller, pausing: false };
    this.active.set(ctx.projectId, entry);
    this.deps.store.beginRun?.(ctx);
    try {
      const before = await this.graph.getState(config);
      const started =
        Array.isArray((before.values as Partial<ExecutionStateType>).steps) &&
        (before.values as ExecutionStateType).steps.length > 0;
      const input = resume && Object.keys(resume).length > 0 ? new Command({ resume }) : started ? null : {};
      let stopped = false;
      // `values` yields once per superstep (after its checkpoint is saved), so the stop check runs
      // once per batch, not once per finished step.
      // The signal reaches every node (model calls pass it on): a cancelled run stops mid-step.
      const stream = await this.graph.stream(input, {
        ...config,
        streamMode: 'values',
        durability: 'sync',
        recursionLimit: 100_000,
        signal: controller.signal,
      });
      try {
        for await (const _state of stream) {
          // Paused here: the steps in progress finish and the next ones refuse to start (RunHeld).
          if (entry.pausing) continue;
          // Paused or stopped from another process: leave at this batch boundary.
          if (await this.deps.control.shouldStop(ctx)) {
            stopped = true;
            break;
          }
        }
      } catch (err) {
        if (!controller.signal.aborted && !(entry.pausing && isHeld(err))) throw err;
        stopped = true;
      }
      return await this.outcome(ctx, stopped);
    } finally {
      if (this.active.get(ctx.projectId) === entry) this.active.delete(ctx.projectId);
      this.deps.store.endRun?.(ctx);
    }
  }

  /**
   * Interrupts the project's run in this process now (cancel, abort): steps in progress stop
   * (an LLM call is aborted) and record nothing more; their work is not saved. False when no
   * run of the project is in progress here (another process stops at its next batch).
   */
  cancel(ctx: RunContext): boolean {
    const entry = this.active.get(ctx.projectId);
    entry?.controller.abort(new Error('The project was stopped.'));
    return entry !== undefined;
  }

  /**
   * Pauses the project's run in this process: steps in progress finish and are saved, no other
   * step starts, and the run reports `stopped`. False when no run of it is in progress here.
   */
  pause(ctx: RunContext): boolean {
    const entry = this.active.get(ctx.projectId);
    if (entry) entry.pausing = true;
    return entry !== undefined;
  }

  private async outcome(ctx: RunContext, stopped: boolean): Promise<RunResult> {
    const state = await this.graph.getState(this.config(ctx));
    const interrupts = this.interruptsOf(state);
    if (interrupts.length > 0) return { kind: 'interrupted', interrupts };
    const values = state.values as ExecutionStateType;
    if (values.aborted) return { kind: 'aborted', reason: values.aborted };
    if (stopped || state.next.length > 0) return { kind: 'stopped' };
    return { kind: 'completed' };
  }

  /**
   * Open questions of the run. A task that was answered and finished while others of its batch
   * still wait keeps its interrupt write until the batch completes; it is not open any more, and
   * reporting it again would make the runner resume it again and again.
   */
  private interruptsOf(state: Awaited<ReturnType<ExecutionGraph['getState']>>): PendingInterrupt[] {
    return state.tasks
      .filter((t) => t.result === undefined)
      .flatMap((t) => (t.interrupts ?? []).map((i) => ({ id: String(i.id), value: i.value as ExecutionInterrupt })));
  }

  async pendingInterrupts(ctx: RunContext): Promise<PendingInterrupt[]> {
    return this.interruptsOf(await this.graph.getState(this.config(ctx)));
  }

  /** Time travel: the thread's checkpoints, newest first. */
  async checkpoints(ctx: RunContext, limit = 100): Promise<CheckpointInfo[]> {
    const out: CheckpointInfo[] = [];
    for await (const snap of this.graph.getStateHistory(this.config(ctx), { limit })) {
      const values = snap.values as Partial<ExecutionStateType>;
      const cfg = snap.config.configurable ?? {};
      const parent = snap.parentConfig?.configurable ?? {};
      out.push({
        checkpointId: String(cfg.checkpoint_id),
        parentCheckpointId: parent.checkpoint_id ? String(parent.checkpoint_id) : null,
        step: Number(snap.metadata?.step ?? 0),
        source: String(snap.metadata?.source ?? ''),
        createdAt: snap.createdAt ?? null,
        completedSteps: Object.entries(values.done ?? {})
          .filter(([, o]) => o.status === 'completed')
          .map(([k]) => k),
        next: [...snap.next],
      });
    }
    return out;
  }

  /**
   * Rolls the thread back to (or forks it from) a checkpoint: the run continues from that state
   * as a new head, and history is kept. A rollback and a fork differ only in what the caller
   * records; both leave later checkpoints in place for audit.
   */
  async rollback(ctx: RunContext, checkpointId: string): Promise<void> {
    const target = this.config(ctx, checkpointId);
    const snap = await this.graph.getState(target);
    if (!snap.config.configurable?.checkpoint_id)
      throw new Error(`Checkpoint ${checkpointId} does not exist for this project.`);
    // Writing no values from the old checkpoint makes it the parent of the new head.
    await this.graph.updateState(target, {}, 'schedule');
  }
}

/** A step refused to start because the run is being paused (LangGraph may wrap a node's error). */
function isHeld(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause)
    if (e.name === 'RunHeld' || e instanceof RunHeld) return true;
  return false;
}
