import { AIMessage } from '@langchain/core/messages';
import type { DelegationInfo } from '@orchestrator/contracts';
import type { ExecutionDone } from '../../../delegation/execute.js';
import type { RouteDecision } from '../../../delegation/router.js';
import type { LoadedAgent } from '../../../registry/load.js';
import type { ConversationGraphDeps } from '../deps.js';
import { replyUpdate, type ConversationUpdate, type PendingTask } from '../state.js';

/** The agent's answer with its delegation record; a function run's input is kept for follow-ups. */
export function answerReply(
  agent: LoadedAgent,
  decision: RouteDecision,
  outcome: ExecutionDone,
  record: { id: string; fallbackFrom: string | null },
): ConversationUpdate {
  const name = agent.definition.name;
  const delegation: DelegationInfo = {
    id: record.id,
    agent: name,
    agentTitle: agent.definition.title,
    reason: decision.reason,
    candidates: decision.candidates,
    fallbackFrom: record.fallbackFrom,
    kind: outcome.work,
    rating: null,
    contextVersion: agent.version ?? null,
  };
  return {
    // A model's answer was streamed as it was written; finished text goes out from `speak`,
    // after the agent's slot was released.
    ...replyUpdate(outcome.text, 'DELEGATE', {
      offline: outcome.work !== 'context_llm',
      replyStreamed: outcome.streamed,
      replyComputed: outcome.work === 'function',
      replyAgent: name,
      replyMeta: { delegation, ...(outcome.work === 'offline_draft' ? { offlineDraft: true } : {}) },
      replyInput: outcome.input ? { agent: name, input: outcome.input } : null,
    }),
    messages: [new AIMessage(outcome.text)],
    pendingTask: null,
    stickyAgent: name,
  };
}

/** A function agent's question: the next message completes the task (or, with `input`, the follow-up). */
export function askReply(agent: string, question: string, pending: Omit<PendingTask, 'agent'>): ConversationUpdate {
  return {
    ...replyUpdate(question, 'DELEGATE', { replyAgent: agent, replyComputed: true }),
    messages: [new AIMessage(question)],
    pendingTask: { agent, ...pending },
    stickyAgent: agent,
  };
}

export const withoutFields = (input: Record<string, unknown>, fields: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(input).filter(([name]) => !fields.includes(name)));

export function busyReply(deps: ConversationGraphDeps, tried: string[]): string {
  const names = tried.map((n) => deps.registry().get(n)?.definition.title ?? n);
  return `Every agent that can do this is at full capacity right now (${names.join(', ')}). Send it again in a few minutes, or make it part of a project so it is scheduled when one is free.`;
}
