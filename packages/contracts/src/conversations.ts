import { z } from 'zod';
import { IsoDateSchema, UuidSchema } from './common.js';

/** Longest message accepted, in characters (the database enforces the same bound). */
export const MESSAGE_MAX_CHARS = 32_000;

export const MessageRoleSchema = z.enum(['user', 'assistant', 'agent', 'system']);
export type MessageRole = z.infer<typeof MessageRoleSchema>;

export const MessageMetadataSchema = z
  .object({
    /** What the orchestrator understood the message to be. */
    intent: z.string().optional(),
    /** True when the reply was produced by the built-in offline model, not an LLM (the UI marks it). */
    offline: z.boolean().optional(),
    /** The provider/model that produced the reply. */
    model: z.string().optional(),
    tokens: z.object({ prompt: z.number().int(), completion: z.number().int() }).optional(),
    /** A plan card: the project and the plan version this reply presented. */
    project: z.object({ id: z.string(), version: z.number().int() }).optional(),
    /** A delegated reply: who did the work and why (see DelegationInfoSchema). */
    delegation: z.record(z.string(), z.unknown()).optional(),
    /** Context-agent output written by the offline model: a draft, never presented as model output. */
    offlineDraft: z.boolean().optional(),
    /** The user message this reply or failure notice answers (a notice with `error` can be retried). */
    replyTo: z.string().optional(),
    /** Why the reply failed (a failure notice, role `system`): a ReplyError code such as `llm/timeout`. */
    error: z.string().optional(),
    /** How many secrets (API keys, tokens) were taken out of this user message before it was stored. */
    secretsRedacted: z.number().int().positive().optional(),
    /** The agent build this message reports on: the chat shows it as a live build card. */
    agentBuildId: z.string().optional(),
    /** A project planned in this conversation ended: this message reports how (one per project). */
    projectReport: z.object({ projectId: z.string(), status: z.enum(['completed', 'failed', 'aborted']) }).optional(),
    /** The improvement this reply proposed or pointed to: the chat shows it as a decision card. */
    improvement: z
      .object({
        id: z.string(),
        kind: z.enum(['proposed', 'already_open', 'ended']),
        approvalId: z.string().nullable(),
      })
      .optional(),
  })
  .catchall(z.unknown());
export type MessageMetadata = z.infer<typeof MessageMetadataSchema>;

/** The person who wrote a message, named as the audit log names them (their display name). */
export const MessageAuthorSchema = z.object({ id: UuidSchema, name: z.string() });
export type MessageAuthor = z.infer<typeof MessageAuthorSchema>;

export const MessageSchema = z.object({
  id: UuidSchema,
  seq: z.number().int(),
  conversationId: UuidSchema,
  role: MessageRoleSchema,
  /** Null for what the orchestrator, agents and the system write, and once the author's account is deleted. */
  author: MessageAuthorSchema.nullable(),
  agentName: z.string().nullable(),
  content: z.string(),
  metadata: MessageMetadataSchema,
  createdAt: IsoDateSchema,
});
export type Message = z.infer<typeof MessageSchema>;

export const ConversationSchema = z.object({
  id: UuidSchema,
  title: z.string(),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
  lastMessageAt: IsoDateSchema.nullable(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** Longest conversation title, in characters (the database enforces the same bound). */
export const CONVERSATION_TITLE_MAX_CHARS = 200;

const ConversationTitleSchema = z.string().trim().min(1).max(CONVERSATION_TITLE_MAX_CHARS);

/**
 * A title given at creation is kept as given unless another conversation of the workspace has it
 * already: then it gets the next free number, `Title (2)` (docs/api.md).
 */
export const CreateConversationBodySchema = z.object({ title: ConversationTitleSchema.optional() }).strict();
export type CreateConversationBody = z.infer<typeof CreateConversationBodySchema>;

/** A new title chosen by a person: kept exactly as given (trimmed), even if another conversation has it. */
export const RenameConversationBodySchema = z.object({ title: ConversationTitleSchema }).strict();
export type RenameConversationBody = z.infer<typeof RenameConversationBodySchema>;

/** Longest search text, in characters. */
export const CONVERSATION_SEARCH_MAX_CHARS = 200;

export const ConversationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  /** Opaque cursor from the previous page's `nextCursor` (of the same search, if any). */
  cursor: z.string().max(200).optional(),
  /**
   * Only conversations whose title or any message contains this text, ignoring case; blank
   * means no search. A page of a search may hold fewer than `limit`, even none, and still have a
   * `nextCursor` (docs/api.md "Conversation titles and search").
   */
  q: z
    .string()
    .trim()
    .max(CONVERSATION_SEARCH_MAX_CHARS)
    .optional()
    .transform((q) => q || undefined),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuerySchema>;

export const ConversationPageSchema = z.object({
  conversations: z.array(ConversationSchema),
  nextCursor: z.string().nullable(),
});
export type ConversationPage = z.infer<typeof ConversationPageSchema>;

const limit = MESSAGE_MAX_CHARS.toLocaleString('en-US');

export const MessageContentSchema = z
  .string()
  .max(MESSAGE_MAX_CHARS, {
    error: (issue) =>
      `must be at most ${limit} characters; this one has ${String(issue.input).length.toLocaleString('en-US')}`,
  })
  .refine((s) => s.trim().length > 0, 'must not be empty');

export const SendMessageBodySchema = z.object({ content: MessageContentSchema }).strict();
export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

/** The stored user message and the orchestrator's stored reply. */
export const SendMessageResponseSchema = z.object({
  message: MessageSchema,
  reply: MessageSchema,
});
export type SendMessageResponse = z.infer<typeof SendMessageResponseSchema>;

export const MessageListQuerySchema = z.object({
  /** Only messages after this sequence number: how a reconnecting client catches up. */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type MessageListQuery = z.infer<typeof MessageListQuerySchema>;

export const MessageListSchema = z.object({
  messages: z.array(MessageSchema),
  /** True when more messages follow the last one returned. */
  hasMore: z.boolean(),
});
export type MessageList = z.infer<typeof MessageListSchema>;
