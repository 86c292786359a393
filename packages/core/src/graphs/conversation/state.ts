import type { IntentResult } from '@orchestrator/contracts';
import { Annotation, MessagesAnnotation } from '@langchain/langgraph';
import type { OrgEntity } from '../../org/mentions.js';
import type { OrgQuery } from '../../org/questions.js';

export type ReplyIntent = IntentResult['intent'];

/** A function agent asked for missing input: the next message completes the same task. */
export interface PendingTask {
  agent: string;
  task: string;
  /** A follow-up's input so far: the next message gives `fields`, and the agent runs with both. */
  input?: Record<string, unknown>;
  fields?: string[];
}

/** The input a function agent computed a reply from. */
export interface FunctionRun {
  agent: string;
  input: Record<string, unknown>;
}

/** This message read as a follow-up to a function agent's last run: run it with `input`, or ask. */
export interface FollowUp extends FunctionRun {
  /** Values that could not be understood: ask for these fields instead of running. */
  ask?: { fields: string[]; question: string };
}

/** One thread per conversation; `messages` is the memory that follow-ups resolve against. */
export const ConversationState = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** What the latest message asks, as understood by `understand`. */
  query: Annotation<OrgQuery | undefined>(),
  intent: Annotation<IntentResult | undefined>(),
  /** Who the conversation was last about, so "and the CTO?" or "who reports to it?" resolve. */
  focus: Annotation<OrgEntity | undefined>(),
  /** The project being planned in this conversation: refinements apply to it. */
  activeProject: Annotation<{ id: string; version: number } | null>(),
  /** The agent this conversation last delegated to (stickiness for follow-ups). */
  stickyAgent: Annotation<string | null>(),
  pendingTask: Annotation<PendingTask | null>(),
  /** This message as a follow-up to the previous reply's function run (set by `understand`). */
  followUp: Annotation<FollowUp | null>(),
  /** This turn's reply: overwritten every turn. */
  reply: Annotation<string>(),
  replyIntent: Annotation<ReplyIntent>(),
  offline: Annotation<boolean>(),
  /** Who speaks this reply (the delegated agent, or the CEO orchestrator). */
  replyAgent: Annotation<string | null>(),
  /** Extra message metadata of this reply (plan card, delegation record…). */
  replyMeta: Annotation<Record<string, unknown> | null>(),
  /** Whether this turn's reply already reached the conversation (streamed live); if not, `speak` streams it. */
  replyStreamed: Annotation<boolean>(),
  /**
   * This turn's reply is computed output (a function agent's result or question): `speak` sends it
   * the moment it exists. Only the offline model's own prose is typed out at its pace.
   */
  replyComputed: Annotation<boolean>(),
  /** The function run this turn's reply shows (null for any other reply): the next message may change its input. */
  replyInput: Annotation<FunctionRun | null>(),
});

export type ConversationStateType = typeof ConversationState.State;
export type ConversationUpdate = typeof ConversationState.Update;

/** The fields every reply node sets, so one turn's values never leak into the next (null clears). */
export function replyUpdate(
  reply: string,
  intent: ReplyIntent,
  extra: Partial<
    Pick<ConversationUpdate, 'offline' | 'replyAgent' | 'replyMeta' | 'replyStreamed' | 'replyComputed' | 'replyInput'>
  > = {},
): ConversationUpdate {
  return {
    reply,
    replyIntent: intent,
    offline: extra.offline ?? true,
    replyAgent: extra.replyAgent ?? null,
    replyMeta: extra.replyMeta ?? null,
    replyStreamed: extra.replyStreamed ?? false,
    replyComputed: extra.replyComputed ?? false,
    replyInput: extra.replyInput ?? null,
  };
}
