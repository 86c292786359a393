import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { Command, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { AgentSpec } from '../../workforce/building/types.js';
import {
  agentBuildThreadId,
  type AgentCreationDeps,
  type AgentCreationInterrupt,
  type AgentCreationResume,
  type BuildContext,
} from './deps.js';
import { buildAgentCreationGraph, type AgentCreationGraph } from './graph.js';
import type { AgentCreationStateType } from './state.js';

export type BuildRunResult =
  | { kind: 'awaiting_approval'; approvalId: string }
  | { kind: 'finished'; outcome: 'deployed' | 'rejected' | 'failed'; agentName: string | null };

export interface AgentCreationEngineDeps extends AgentCreationDeps {
  checkpointer: BaseCheckpointSaver;
}

/**
 * Runs build threads (`agent-build:<id>`, checkpoints written synchronously). Stateless: any
 * process can continue a build from its last checkpoint, e.g. after a restart.
 */
export class AgentCreationEngine {
  private readonly graph: AgentCreationGraph;

  constructor(deps: AgentCreationEngineDeps) {
    this.graph = buildAgentCreationGraph(deps, deps.checkpointer);
  }

  private config(ctx: BuildContext) {
    return { configurable: { thread_id: agentBuildThreadId(ctx.buildId), ...ctx } };
  }

  /** Starts a build; on a thread that already started, continues it from its last checkpoint. */
  async start(ctx: BuildContext, spec: AgentSpec): Promise<BuildRunResult> {
    const before = await this.graph.getState(this.config(ctx));
    const started = Boolean((before.values as Partial<AgentCreationStateType>).spec);
    return this.drive(ctx, started ? null : { spec });
  }

  /** Resumes a build waiting for approval with the person's decision. */
  resume(ctx: BuildContext, decision: AgentCreationResume): Promise<BuildRunResult> {
    return this.drive(ctx, new Command({ resume: decision }));
  }

  private async drive(ctx: BuildContext, input: { spec: AgentSpec } | Command | null): Promise<BuildRunResult> {
    // A build started from inside another graph's node (a chat turn, a project step) is a run of
    // its own, not a subgraph: without leaving that context its interrupt would be re-thrown
    // into the caller's graph.
    await AsyncLocalStorageProviderSingleton.getInstance().run(undefined, () =>
      // The Command's node names are not part of its type; the graph checks them at run time.
      this.graph.invoke(input as Parameters<AgentCreationGraph['invoke']>[0], {
        ...this.config(ctx),
        durability: 'sync',
      }),
    );
    return this.status(ctx);
  }

  /** Where the thread stands: waiting for approval, or finished with an outcome. */
  async status(ctx: BuildContext): Promise<BuildRunResult> {
    const state = await this.graph.getState(this.config(ctx));
    const waiting = state.tasks.flatMap((t) => t.interrupts ?? []).map((i) => i.value as AgentCreationInterrupt)[0];
    if (waiting) return { kind: 'awaiting_approval', approvalId: waiting.approvalId };
    const values = state.values as AgentCreationStateType;
    if (state.next.length > 0 || !values.outcome)
      throw new Error(`Build ${ctx.buildId} stopped before it finished (next: ${state.next.join(', ') || 'nothing'})`);
    return { kind: 'finished', outcome: values.outcome, agentName: values.agentName };
  }

  /** Whether the thread has started (a checkpoint exists). */
  async started(ctx: BuildContext): Promise<boolean> {
    const state = await this.graph.getState(this.config(ctx));
    return Boolean((state.values as Partial<AgentCreationStateType>).spec);
  }
}
