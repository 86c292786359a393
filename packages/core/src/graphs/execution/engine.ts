import { Command, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { CheckpointInfo } from '@orchestrator/contracts';
import type { ExecutionGraphDeps } from './deps.js';
import { projectThreadId, RunHeld } from './deps.js';
import { buildExecutionGraph, type ExecutionGraph } from './graph.js';
import { StartsFirst } from './starts-first.js';
import type { ExecutionStateType, ExecutionUpdate, StepRetry } from './state.js';
import { checkpointEvents, nextStepKeys, type CheckpointView } from './checkpoint-events.js';
import { checkpointCommitFor } from './step-commit.js';
import { flattenPlan } from '../../execution/flatten.js';
import type { ExecutionInterrupt, ExecutionResume, RunContext, StepCommit } from '../../execution/ports.js';

export interface PendingInterrupt {
  id: string;
  value: ExecutionInterrupt;
}

export type RunResult =
  | { kind: 'completed' }
  | { kind: 'aborted'; reason: string }
  | { kind: 'interrupted'; interrupts: PendingInterrupt[] }
  /** Stopped between batches because the project was paused or cancelled from outside. */
  | { kind: 'stopped' }
  /** The caller's `answers` declined to run (nothing ran, nothing was written). */
  | { kind: 'not_run' };

/**
 * What a run resumes with, decided once the run has read its open questions: answers keyed by
 * interrupt id (none: it continues), or null to leave it as it is.
 */
export type AnswersFor = (interrupts: PendingInterrupt[]) => Promise<Record<string, ExecutionResume> | null>;

/** Port: whether a run must stop at the next batch boundary (pause, cancel, abort). */
export interface ExecutionControl {
  shouldStop(ctx: RunContext): Promise<boolean>;
}

export interface ExecutionEngineDeps extends ExecutionGraphDeps {
  checkpointer: BaseCheckpointSaver;
  control: ExecutionControl;
  /** Which steps go first while runs are starting; default: a StartsFirst of the engine's own. */
  startsFirst?: StartsFirst;
}

/** A checkpointer that can write inside a caller's open database transaction (our Postgres saver). */
interface TransactionalSaver {
  within(tx: never): BaseCheckpointSaver;
}

const isTransactional = (saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & TransactionalSaver =>
  typeof (saver as Partial<TransactionalSaver>).within === 'function';

/** A checkpointer that keeps a thread's head while its one writer holds it (our Postgres saver). */
interface HoldingSaver {
  hold(threadId: string): void;
  release(threadId: string): void;
}

const canHold = (saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & HoldingSaver =>
  typeof (saver as Partial<HoldingSaver>).hold === 'function' &&
  typeof (saver as Partial<HoldingSaver>).release === 'function';

/** Time travel to a checkpoint that the project's thread does not have. */
export class CheckpointNotFound extends Error {
  override readonly name = 'CheckpointNotFound';
  constructor(readonly checkpointId: string) {
    super(`Checkpoint ${checkpointId} does not exist for this project.`);
  }
}

/** What a rollback or fork restored: the steps finished (completed or skipped) at the checkpoint. */
export interface RestoredCheckpoint {
  checkpointId: string;
  finishedSteps: string[];
}

/**
 * Runs project threads (one LangGraph thread per project, checkpoints written synchronously) and
 * reports how a run stopped. It holds no state of its own: any process can continue any run
 * from its last checkpoint.
 */
export class ExecutionEngine {
  private readonly graph: ExecutionGraph;
  private readonly graphDeps: ExecutionGraphDeps;
  /** Runs in progress in this process, by project: `cancel` interrupts their steps, `pause` holds new ones. */
  private readonly active = new Map<string, { controller: AbortController; pausing: boolean }>();
  private readonly starts: StartsFirst;
  /** Commits bookkeeping with a thread's next checkpoint (when the checkpointer can). */
  private readonly nextCheckpoint?: (threadId: string) => StepCommit;

  constructor(private readonly deps: ExecutionEngineDeps) {
    this.starts = deps.startsFirst ?? new StartsFirst();
    this.nextCheckpoint = checkpointCommitFor(deps.checkpointer);
    this.graphDeps = {
      ...deps,
      holding: (ctx) => this.active.get(ctx.projectId)?.pausing === true,
      startTurn: (ctx, batch) => this.starts.turn(ctx.projectId, batch),
    };
    this.graph = buildExecutionGraph(this.graphDeps, deps.checkpointer);
  }

  private config(ctx: RunContext, checkpointId?: string) {
    return {
      configurable: {
        thread_id: projectThreadId(ctx.projectId),
        ...ctx,
        ...(checkpointId ? { checkpoint_ns: '', checkpoint_id: checkpointId } : {}),
      },
    };
  }

  /**
   * Starts, continues (no `answers`) or resumes (answers keyed by interrupt id) a run. With a
   * function, the answers are decided once the run has read its open questions (one read of the
   * thread serves that, the run and LangGraph's own start). Until its first step the run goes
   * before the later steps of the runs already going (StartsFirst).
   */
  async run(ctx: RunContext, answers?: Record<string, ExecutionResume> | AnswersFor): Promise<RunResult> {
    const config = this.config(ctx);
    const controller = new AbortController();
    const entry = { controller, pausing: false };
    const thread = projectThreadId(ctx.projectId);
    const saver = canHold(this.deps.checkpointer) ? this.deps.checkpointer : undefined;
    this.active.set(ctx.projectId, entry);
    this.starts.begin(ctx.projectId);
    this.deps.store.beginRun?.(ctx);
    // The run holds its project (the caller's lock): the thread's head is read once for its start.
    saver?.hold(thread);
    try {
      const before = await this.graph.getState(config);
      const resume = typeof answers === 'function' ? await answers(this.interruptsOf(before)) : answers;
      if (resume === null) return { kind: 'not_run' };
      const started =
        Array.isArray((before.values as Partial<ExecutionStateType>).steps) &&
        (before.values as ExecutionStateType).steps.length > 0;
      const input: Parameters<ExecutionGraph['stream']>[0] =
        resume && Object.keys(resume).length > 0
          ? new Command({ resume })
          : started
            ? null
            : await this.firstInput(ctx);
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
      saver?.release(thread);
      if (this.active.get(ctx.projectId) === entry) this.active.delete(ctx.projectId);
      this.starts.end(ctx.projectId);
      this.deps.store.endRun?.(ctx);
    }
  }

  /**
   * A thread's first input: the approved plan, as steps, so that they start at once (no superstep
   * of its own loads them). Their rows are saved with the checkpoint that records the input.
   */
  private async firstInput(ctx: RunContext): Promise<ExecutionUpdate> {
    const run = await this.deps.store.loadRun(ctx);
    const steps = flattenPlan(run.plan);
    const commit = this.nextCheckpoint?.(projectThreadId(ctx.projectId));
    await this.deps.store.initSteps(commit ? { ...ctx, commit } : ctx, steps);
    return { steps, planVersion: run.planVersion, request: run.plan.request };
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

  /**
   * Time travel: the thread's checkpoints, newest first, each with what happened at it in plain
   * words (compared with its parent) and the steps about to run.
   */
  async checkpoints(ctx: RunContext, limit = 100): Promise<CheckpointInfo[]> {
    const snaps: { info: Omit<CheckpointInfo, 'events'>; view: CheckpointView }[] = [];
    // One more than shown: the oldest one shown is compared with its parent too.
    for await (const snap of this.graph.getStateHistory(this.config(ctx), { limit: limit + 1 })) {
      const values = snap.values as Partial<ExecutionStateType>;
      const cfg = snap.config.configurable ?? {};
      const parent = snap.parentConfig?.configurable ?? {};
      const view: CheckpointView = {
        source: String(snap.metadata?.source ?? ''),
        values,
        graphNext: snap.next,
        interrupts: snap.tasks.flatMap((t) => (t.interrupts ?? []).map((i) => i.value as ExecutionInterrupt)),
      };
      snaps.push({
        info: {
          checkpointId: String(cfg.checkpoint_id),
          parentCheckpointId: parent.checkpoint_id ? String(parent.checkpoint_id) : null,
          step: Number(snap.metadata?.step ?? 0),
          source: view.source,
          createdAt: snap.createdAt ?? null,
          completedSteps: Object.entries(values.done ?? {})
            .filter(([, o]) => o.status === 'completed')
            .map(([k]) => k),
          next: nextStepKeys(view),
        },
        view,
      });
    }
    const byId = new Map(snaps.map((s) => [s.info.checkpointId, s.view]));
    const registry = this.deps.registry();
    const labels = { agentTitle: (name: string) => registry.get(name)?.definition.title ?? name };
    return snaps.slice(0, limit).map(({ info, view }, i) => {
      const parentId = info.parentCheckpointId;
      // A rollback's parent is the checkpoint it went back to; past the listed history, the next older one.
      const previous = parentId === null ? null : (byId.get(parentId) ?? snaps[i + 1]?.view ?? null);
      return { ...info, events: checkpointEvents(view, previous, labels) };
    });
  }

  /**
   * Rolls the project's thread back to a checkpoint: a new head with the state of that checkpoint,
   * rescheduled, so the run continues from there; the later checkpoints stay in the history. Every
   * step not finished at the checkpoint runs again as a new round: an approval it needs is asked
   * for again (a decision covered the execution it was given for) and its result is stored anew.
   * Failures waiting for a decision at the checkpoint are cleared, so those steps run again too (a
   * failure's error row of that time may be resolved long since, and nobody could answer it).
   * With `tx` (the caller's open database transaction; needs a checkpointer with `within`) the new
   * checkpoint commits or rolls back with the caller's other changes.
   */
  async rollback(ctx: RunContext, checkpointId: string, tx?: unknown): Promise<RestoredCheckpoint> {
    const graph = this.graphWithin(tx);
    const values = await this.valuesAt(graph, ctx, checkpointId);
    // Rounds only grow along the history: past the latest one, no key of a later run is reused.
    const latest = (await graph.getState(this.config(ctx))).values as Partial<ExecutionStateType>;
    const retries: Record<string, StepRetry> = {};
    for (const step of values.steps ?? []) {
      if (values.done?.[step.key]) continue;
      const round = Math.max(values.retries?.[step.key]?.round ?? 0, latest.retries?.[step.key]?.round ?? 0) + 1;
      retries[step.key] = { round, agent: values.retries?.[step.key]?.agent ?? null };
    }
    await graph.updateState(
      this.config(ctx, checkpointId),
      { failures: cleared(values.failures), retries },
      'schedule',
    );
    return { checkpointId, finishedSteps: Object.keys(values.done ?? {}) };
  }

  /**
   * Forks a checkpoint of one project's thread into another project's (empty) thread: the new
   * thread starts with the state of that checkpoint, rescheduled as a rollback is; the source
   * thread is not changed. Pending writes of the checkpoint (answers, finished parallel steps)
   * are not carried over: what had not finished there runs again in the fork.
   */
  async fork(from: RunContext, checkpointId: string, to: RunContext, tx?: unknown): Promise<RestoredCheckpoint> {
    const graph = this.graphWithin(tx);
    const values = await this.valuesAt(graph, from, checkpointId);
    const { steps, planVersion, request, done, retries } = values;
    await graph.updateState(this.config(to), { steps, planVersion, request, done, retries }, 'schedule');
    return { checkpointId, finishedSteps: Object.keys(done ?? {}) };
  }

  private async valuesAt(graph: ExecutionGraph, ctx: RunContext, checkpointId: string) {
    const snap = await graph.getState(this.config(ctx, checkpointId));
    // A missing checkpoint reads as an empty state that echoes the id asked for: only a saved one has a time.
    if (snap.createdAt === undefined) throw new CheckpointNotFound(checkpointId);
    return snap.values as ExecutionStateType;
  }

  /** The graph over the caller's transaction (compiled per call: time travel is rare), or the usual one. */
  private graphWithin(tx: unknown): ExecutionGraph {
    if (tx === undefined) return this.graph;
    const saver = this.deps.checkpointer;
    if (!isTransactional(saver)) throw new Error('This checkpointer cannot write within a transaction');
    return buildExecutionGraph(this.graphDeps, saver.within(tx as never));
  }
}

/** A write that removes every entry of a merge-reduced map. */
const cleared = <T>(map: Record<string, T> | undefined): Record<string, null> =>
  Object.fromEntries(Object.keys(map ?? {}).map((k) => [k, null]));

/** A step refused to start because the run is being paused (LangGraph may wrap a node's error). */
function isHeld(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause)
    if (e.name === 'RunHeld' || e instanceof RunHeld) return true;
  return false;
}
