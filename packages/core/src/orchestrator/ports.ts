import type {
  Message,
  MessageDelta,
  MessageMetadata,
  MessageRole,
  ReplyFailed,
  ReplyStarted,
} from '@orchestrator/contracts';

export interface NewMessage {
  /** Pre-assigned so the streamed deltas and the stored reply share one id. */
  id?: string;
  workspaceId: string;
  conversationId: string;
  role: MessageRole;
  content: string;
  authorUserId?: string | null;
  agentName?: string | null;
  metadata?: MessageMetadata;
  /**
   * A user message the orchestrator is about to answer: stored with it, the reply with this id is
   * pending until a message with `replyTo` ends it (docs/operations.md → Chat replies after a crash).
   */
  pendingReplyId?: string;
  /** The user message this reply or failure notice answers; storing it ends that pending reply. */
  replyTo?: string;
}

/**
 * A user message whose reply is pending: accepted and not yet answered, or being answered
 * again (after its process died, or on Retry).
 */
export interface PendingReply {
  workspaceId: string;
  conversationId: string;
  userId: string | null;
  messageId: string;
  /** The stored (redacted) text of the message. */
  content: string;
  /** The id its reply streams and is stored under. */
  replyId: string;
  /** How many times this message was picked up again after its process died. */
  recoveries: number;
}

/** Port: message persistence (the API implements it with a repository over Postgres). */
export interface MessageStore {
  append(message: NewMessage): Promise<Message>;
}

/** Port: where live events go (the API's socket gateway). Called only after the write commits. */
export interface OrchestratorEvents {
  messageCreated(workspaceId: string, message: Message): void;
  replyStarted(workspaceId: string, event: ReplyStarted): void;
  delta(workspaceId: string, event: MessageDelta): void;
  replyFailed(workspaceId: string, event: ReplyFailed): void;
}
