import { z } from 'zod';
import { UuidSchema } from './common.js';
import { MessageContentSchema, MessageSchema, type Message } from './conversations.js';
import { ProjectSummarySchema, type ProjectSummary } from './projects.js';
import { ApprovalSchema, type Approval } from './approvals.js';
import { StepUpdatedSchema, type StepUpdated } from './execution.js';
import {
  AgentBuildSchema,
  AgentImprovementSchema,
  AgentStatusChangedSchema,
  RegistryReloadedSchema,
  type AgentBuild,
  type AgentImprovement,
  type AgentStatusChanged,
  type RegistryReloaded,
} from './workforce.js';

/** Rooms a socket can be in. Joining is authorised server-side. */
export const workspaceRoom = (workspaceId: string): string => `workspace:${workspaceId}`;
export const conversationRoom = (conversationId: string): string => `conversation:${conversationId}`;
export const projectRoom = (projectId: string): string => `project:${projectId}`;

export const ConversationRefSchema = z.object({ conversationId: UuidSchema }).strict();
export type ConversationRef = z.infer<typeof ConversationRefSchema>;

export const ProjectRefSchema = z.object({ projectId: UuidSchema }).strict();
export type ProjectRef = z.infer<typeof ProjectRefSchema>;

export const SocketSendMessageSchema = z.object({ conversationId: UuidSchema, content: MessageContentSchema }).strict();
export type SocketSendMessage = z.infer<typeof SocketSendMessageSchema>;

/** A piece of a reply as it is produced; `index` orders chunks of one message. */
export const MessageDeltaSchema = z.object({
  conversationId: UuidSchema,
  messageId: UuidSchema,
  index: z.number().int().min(0),
  delta: z.string(),
});
export type MessageDelta = z.infer<typeof MessageDeltaSchema>;

export const ReplyStartedSchema = z.object({
  conversationId: UuidSchema,
  messageId: UuidSchema,
  offline: z.boolean(),
});
export type ReplyStarted = z.infer<typeof ReplyStartedSchema>;

export const ReplyFailedSchema = z.object({
  conversationId: UuidSchema,
  messageId: UuidSchema,
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ReplyFailed = z.infer<typeof ReplyFailedSchema>;

export const SocketErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type SocketError = z.infer<typeof SocketErrorSchema>;

/** A client→server event sent without an ack callback was refused: the error it would have acked. */
export const EventRejectedSchema = z.object({ event: z.string(), error: SocketErrorSchema });
export type EventRejected = z.infer<typeof EventRejectedSchema>;

/** Acknowledgement of every client→server event: ok with a value, or a precise error. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: SocketError };

/** Schemas of server→client payloads, for clients that validate what they receive. */
export const serverEventSchemas = {
  'message.created': MessageSchema,
  'reply.started': ReplyStartedSchema,
  'message.delta': MessageDeltaSchema,
  'reply.failed': ReplyFailedSchema,
  'project.updated': ProjectSummarySchema,
  'step.updated': StepUpdatedSchema,
  'approval.requested': ApprovalSchema,
  'approval.decided': ApprovalSchema,
  'approval.escalated': ApprovalSchema,
  'agent.status_changed': AgentStatusChangedSchema,
  'registry.reloaded': RegistryReloadedSchema,
  'agent_build.updated': AgentBuildSchema,
  'agent_improvement.updated': AgentImprovementSchema,
  'event.rejected': EventRejectedSchema,
} as const;

/** Schemas of client→server payloads: what the gateway accepts, one per event it handles. */
export const clientEventSchemas = {
  'conversation.join': ConversationRefSchema,
  'conversation.leave': ConversationRefSchema,
  'project.join': ProjectRefSchema,
  'project.leave': ProjectRefSchema,
  'message.send': SocketSendMessageSchema,
} as const;

export interface ServerToClientEvents {
  /** A message was stored (the user's, or a completed reply). */
  'message.created': (message: Message) => void;
  /** The orchestrator began replying; deltas with this `messageId` follow. */
  'reply.started': (event: ReplyStarted) => void;
  'message.delta': (event: MessageDelta) => void;
  'reply.failed': (event: ReplyFailed) => void;
  /** A project was created, re-planned or changed status (room `workspace:<id>`). */
  'project.updated': (project: ProjectSummary) => void;
  /** A step changed status or got its result (room `project:<id>` and the workspace room). */
  'step.updated': (event: StepUpdated) => void;
  /** A run paused for a person (room `workspace:<id>`). */
  'approval.requested': (approval: Approval) => void;
  'approval.decided': (approval: Approval) => void;
  /** A pending approval timed out and moved up the reportsTo line. */
  'approval.escalated': (approval: Approval) => void;
  /** An agent's load or lifecycle status changed (room `workspace:<id>`). */
  'agent.status_changed': (event: AgentStatusChanged) => void;
  /** `agents/` was reloaded: the whole list, and the problems of invalid definitions. */
  'registry.reloaded': (event: RegistryReloaded) => void;
  /** An agent build moved on (drafted, validated, awaiting approval, deployed, …). */
  'agent_build.updated': (build: AgentBuild) => void;
  'agent_improvement.updated': (improvement: AgentImprovement) => void;
  /** To the sender only: an event it emitted without an ack was refused (malformed, not found, …). */
  'event.rejected': (event: EventRejected) => void;
}

export interface ClientToServerEvents {
  'conversation.join': (payload: unknown, ack?: (res: Ack<ConversationRef>) => void) => void;
  'conversation.leave': (payload: unknown, ack?: (res: Ack<ConversationRef>) => void) => void;
  /** Subscribe to a project's room (`step.updated`), checked against the workspace. */
  'project.join': (payload: unknown, ack?: (res: Ack<ProjectRef>) => void) => void;
  'project.leave': (payload: unknown, ack?: (res: Ack<ProjectRef>) => void) => void;
  /** Same as POST /api/conversations/:id/messages; the ack carries the stored user message. */
  'message.send': (payload: unknown, ack?: (res: Ack<Message>) => void) => void;
}
