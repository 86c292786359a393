import { Annotation, MessagesAnnotation } from '@langchain/langgraph';
import type { OrgEntity } from '../../org/mentions.js';
import type { OrgQuery } from '../../org/questions.js';

export type ConversationIntent = 'DIRECT_RESPONSE' | 'CLARIFY';

/** One thread per conversation; `messages` is the memory that follow-ups resolve against. */
export const ConversationState = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** What the latest message asks, as understood by `understand`. */
  query: Annotation<OrgQuery | undefined>(),
  /** Who the conversation was last about, so "and the CTO?" or "who reports to it?" resolve. */
  focus: Annotation<OrgEntity | undefined>(),
  /** This turn's reply and how it was produced; overwritten every turn. */
  reply: Annotation<string>(),
  intent: Annotation<ConversationIntent>(),
  offline: Annotation<boolean>(),
});

export type ConversationStateType = typeof ConversationState.State;
export type ConversationUpdate = typeof ConversationState.Update;
