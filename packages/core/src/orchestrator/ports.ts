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
