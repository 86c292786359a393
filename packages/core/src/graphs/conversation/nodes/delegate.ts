import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { DelegationInfo } from '@orchestrator/contracts';
import { acquireWhenFree } from '../../../delegation/capacity.js';
import { executeAgent, type ExecutionOutcome } from '../../../delegation/execute.js';
import { DEFAULT_FUNCTION_TIMEOUT_MS } from '../../../functions/index.js';
import { routeTask, type RouteDecision } from '../../../delegation/router.js';
import { messageText } from '../../../llm/messages.js';
import { runContext, type ConversationGraphDeps } from '../deps.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';
import { capabilityGapReply } from './propose-agent.js';

/** How many agents are tried for one task before the error reaches the user. */
const MAX_ATTEMPTS = 2;
/**
 * How long a chat waits for a busy function agent: each of its tasks holds a slot for at most its
 * run's timeout, so a slot frees within this unless the agent is stuck.
 */
const FUNCTION_SLOT_WAIT_MS = DEFAULT_FUNCTION_TIMEOUT_MS;

/**
 * DELEGATE (docs/architecture.md#a-message-end-to-end): route to the best available agent (scores
 * shown), run it, fall back to an alternative or the manager when it is full or fails, and
 * record the decision.
 */
export const delegateNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const ctx = runContext(config);
    const registry = deps.registry();
    const isFunction = (name: string) => registry.get(name)?.definition.type === 'function';
    const text = messageText(state.messages.at(-1)!);
    const pending = state.pendingTask;
    const task = pending ? `${pending.task}\n${text}` : text;
    const tried: string[] = [];
    let firstChoice: string | null = null;
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loads = await deps.loads.snapshot(ctx.workspaceId);
      const decision: RouteDecision | undefined =
        pending && attempt === 0
          ? { agent: pending.agent, candidates: [], reason: 'Completing the task with the information you gave.' }
          : routeTask({
              task,
              registry,
              index: deps.index(),
              loads,
              preferred: state.intent?.agent,
              sticky: state.stickyAgent,
              exclude: tried,
              waitable: isFunction,
            });
      if (!decision) break;
      const agent = registry.get(decision.agent);
      if (!agent) break;
      firstChoice ??= decision.agent;
      tried.push(decision.agent);
      // A function agent's task takes moments: wait for its slot rather than hand the task to an
      // agent that cannot compute it. Others are full for as long as a model writes: try the next.
      const acquired = isFunction(decision.agent)
        ? await acquireWhenFree(deps, ctx.workspaceId, decision.agent, FUNCTION_SLOT_WAIT_MS)
        : await deps.loads.acquire(ctx.workspaceId, decision.agent);
      if (!acquired) continue;
      const started = Date.now();
      let outcome: ExecutionOutcome;
      try {
        outcome = await executeAgent(deps, config, agent, task, {
          usage: { workspaceId: ctx.workspaceId, conversationId: ctx.conversationId },
          delegatedBy: 'the CEO orchestrator',
        });
      } catch (err) {
        lastError = err;
        await deps.delegations.record({
          ...ctx,
          task,
          agent: decision.agent,
          candidates: decision.candidates,
          reason: decision.reason,
          fallbackFrom: null,
          outcome: 'failed',
          durationMs: Date.now() - started,
          contextVersion: agent.version ?? null,
        });
        continue;
      } finally {
        await deps.loads.release(ctx.workspaceId, decision.agent);
      }
      if (outcome.kind === 'needs_input') {
        return {
          ...replyUpdate(outcome.question, 'DELEGATE', { replyAgent: decision.agent, replyComputed: true }),
          messages: [new AIMessage(outcome.question)],
          pendingTask: { agent: decision.agent, task },
          stickyAgent: decision.agent,
        };
      }
      const fallbackFrom = firstChoice !== decision.agent ? firstChoice : null;
      const id = await deps.delegations.record({
        ...ctx,
        task,
        agent: decision.agent,
        candidates: decision.candidates,
        reason: decision.reason,
        fallbackFrom,
        outcome: 'succeeded',
        durationMs: Date.now() - started,
        contextVersion: agent.version ?? null,
      });
      const delegation: DelegationInfo = {
        id,
        agent: decision.agent,
        agentTitle: agent.definition.title,
        reason: decision.reason,
        candidates: decision.candidates,
        fallbackFrom,
        kind: outcome.work,
        rating: null,
        contextVersion: agent.version ?? null,
      };
      return {
        // A model's answer was streamed as it was written; finished text goes out from `speak`,
        // after the agent's slot was released above.
        ...replyUpdate(outcome.text, 'DELEGATE', {
          offline: outcome.work !== 'context_llm',
          replyStreamed: outcome.streamed,
          replyComputed: outcome.work === 'function',
          replyAgent: decision.agent,
          replyMeta: { delegation, ...(outcome.work === 'offline_draft' ? { offlineDraft: true } : {}) },
        }),
        messages: [new AIMessage(outcome.text)],
        pendingTask: null,
        stickyAgent: decision.agent,
      };
    }
    if (lastError) throw lastError;
    const reply = tried.length > 0 ? busyReply(deps, tried) : capabilityGapReply(deps, task, state.intent ?? null);
    return {
      ...replyUpdate(reply, 'DELEGATE', { replyMeta: { capabilityGap: true } }),
      messages: [new AIMessage(reply)],
      pendingTask: null,
    };
  };

function busyReply(deps: ConversationGraphDeps, tried: string[]): string {
  const names = tried.map((n) => deps.registry().get(n)?.definition.title ?? n);
  return `Every agent that can do this is at full capacity right now (${names.join(', ')}). Send it again in a few minutes, or make it part of a project so it is scheduled when one is free.`;
}
