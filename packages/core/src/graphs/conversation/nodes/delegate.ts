import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { acquireWhenFree } from '../../../delegation/capacity.js';
import { executeAgent, type ExecutionOutcome } from '../../../delegation/execute.js';
import { DEFAULT_FUNCTION_TIMEOUT_MS } from '../../../functions/index.js';
import { routeTask, type RouteDecision } from '../../../delegation/router.js';
import { messageText } from '../../../llm/messages.js';
import { runContext, type ConversationGraphDeps } from '../deps.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';
import { answerReply, askReply, busyReply, withoutFields } from './delegate-replies.js';
import { capabilityGapReply } from './propose-agent.js';

/** How many agents are tried for one task before the error reaches the user. */
const MAX_ATTEMPTS = 2;
/**
 * How long a chat waits for a busy function agent: each of its tasks holds a slot for at most its
 * run's timeout, so a slot frees within this unless the agent is stuck.
 */
const FUNCTION_SLOT_WAIT_MS = DEFAULT_FUNCTION_TIMEOUT_MS;
const PENDING_REASON = 'Completing the task with the information you gave.';
const FOLLOW_UP_REASON = 'Follow-up: the last calculation again, with your changes.';

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
    const { pendingTask: pending, followUp } = state;
    // Values of a follow-up that could not be understood: ask for those before taking any agent.
    if (followUp?.ask)
      return askReply(followUp.agent, followUp.ask.question, {
        task: text,
        input: followUp.input,
        fields: followUp.ask.fields,
      });
    const task = pending && !pending.input ? `${pending.task}\n${text}` : text;
    const first = followUp ?? pending;
    const tried: string[] = [];
    let firstChoice: string | null = null;
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loads = await deps.loads.snapshot(ctx.workspaceId);
      const decision: RouteDecision | undefined =
        first && attempt === 0
          ? { agent: first.agent, candidates: [], reason: followUp ? FOLLOW_UP_REASON : PENDING_REASON }
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
      // A follow-up runs the function again with the changed input; another agent gets the words.
      const input = followUp?.agent === decision.agent ? followUp.input : undefined;
      let outcome: ExecutionOutcome;
      try {
        outcome = await executeAgent(deps, config, agent, input ? { text, input } : task, {
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
        // A changed input the schema refused: keep the rest of it and ask for the refused fields.
        const kept = input && { input: withoutFields(input, outcome.missing), fields: outcome.missing };
        return askReply(decision.agent, outcome.question, { task, ...kept });
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
      return answerReply(agent, decision, outcome, { id, fallbackFrom });
    }
    if (lastError) throw lastError;
    const reply = tried.length > 0 ? busyReply(deps, tried) : capabilityGapReply(deps, task, state.intent ?? null);
    return {
      ...replyUpdate(reply, 'DELEGATE', { replyMeta: { capabilityGap: true } }),
      messages: [new AIMessage(reply)],
      pendingTask: null,
    };
  };
