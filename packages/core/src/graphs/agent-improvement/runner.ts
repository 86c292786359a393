import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { Command, type BaseCheckpointSaver } from '@langchain/langgraph';
import {
  improvementThreadId,
  type AgentImprovementGraphDeps,
  type ImprovementEnd,
  type ImprovementRunContext,
} from './deps.js';
import { buildAgentImprovementGraph, type AgentImprovementGraph } from './graph.js';
import type { ImprovementDecision, ImprovementInterrupt, ImprovementRequest, ImprovementStateType } from './state.js';
import type { ImprovementProposal } from '../../workforce/improvement/types.js';

/**
 * Runs outside any graph run that called us (the conversation graph's `improvement` node):
 * otherwise LangGraph would treat this thread as a subgraph of the caller and its approval
 * interrupt would pause the conversation instead of this thread.
 */
const detached = <T>(run: () => Promise<T>): Promise<T> =>
  AsyncLocalStorageProviderSingleton.getInstance().run(undefined, run);

export type ImprovementRunResult =
  | { kind: 'awaiting_approval'; proposal: ImprovementProposal; approvalId: string }
  | { kind: 'ended'; proposal: ImprovementProposal | null; end: ImprovementEnd };

/**
 * Starts and resumes improvement threads. Holds no state: any process can resume any thread
 * from its last checkpoint (the approval row names the thread).
 */
export class AgentImprovementRunner {
  private readonly graph: AgentImprovementGraph;

  constructor(deps: AgentImprovementGraphDeps & { checkpointer: BaseCheckpointSaver }) {
    this.graph = buildAgentImprovementGraph(deps, deps.checkpointer);
  }

  private config(ctx: ImprovementRunContext) {
    return { configurable: { thread_id: improvementThreadId(ctx.improvementId), ...ctx }, durability: 'sync' as const };
  }

  /** Proposes the change and stops at the approval (or ends when there is nothing to change). */
  async start(ctx: ImprovementRunContext, request: ImprovementRequest): Promise<ImprovementRunResult> {
    await detached(() => this.graph.invoke({ request }, this.config(ctx)));
    return this.outcome(ctx);
  }

  /** Continues with a person's decision; a thread that is not waiting is left as it is. */
  async resume(ctx: ImprovementRunContext, decision: ImprovementDecision): Promise<ImprovementRunResult> {
    if ((await this.pending(ctx)) === undefined) return this.outcome(ctx);
    await detached(() => this.graph.invoke(new Command({ resume: decision }), this.config(ctx)));
    return this.outcome(ctx);
  }

  /** The approval interrupt the thread waits on, if any. */
  async pending(ctx: ImprovementRunContext): Promise<ImprovementInterrupt | undefined> {
    const state = await detached(() => this.graph.getState(this.config(ctx)));
    return state.tasks.flatMap((t) => t.interrupts ?? []).map((i) => i.value as ImprovementInterrupt)[0];
  }

  private async outcome(ctx: ImprovementRunContext): Promise<ImprovementRunResult> {
    const state = await detached(() => this.graph.getState(this.config(ctx)));
    const values = state.values as ImprovementStateType;
    const waiting = state.tasks.flatMap((t) => t.interrupts ?? []).map((i) => i.value as ImprovementInterrupt)[0];
    if (waiting && values.proposal)
      return { kind: 'awaiting_approval', proposal: values.proposal, approvalId: waiting.approvalId };
    if (values.end) return { kind: 'ended', proposal: values.proposal, end: values.end };
    throw new Error(`agent-improvement thread ${ctx.improvementId} stopped without a decision point or an end`);
  }
}
