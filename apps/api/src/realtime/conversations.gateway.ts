import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  conversationRoom,
  ConversationRefSchema,
  SocketSendMessageSchema,
  workspaceRoom,
  type Ack,
  type ClientToServerEvents,
  type ConversationRef,
  type Message,
  type ServerToClientEvents,
} from '@orchestrator/contracts';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError, isAppError } from '../common/app-error.js';
import type { RequestContext } from '../common/request-context.js';
import { ConversationsService } from '../modules/conversations/conversations.service.js';
import { IdentityService } from '../modules/identity/identity.service.js';
import { ChatService } from '../modules/orchestrator/chat.service.js';
import { RealtimePublisher, type TypedServer } from './realtime.publisher.js';

type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { ctx: RequestContext }>;

function fail(err: unknown): Ack<never> {
  if (isAppError(err))
    return {
      ok: false,
      error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) },
    };
  return {
    ok: false,
    error: { code: 'internal/error', message: 'Internal error. The details are in the server log.' },
  };
}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (!result.success) throw AppError.fromZod(result.error, 'payload');
  return result.data;
}

/**
 * Socket edge: authenticates on connection (guards do not run there), authorises every room
 * join against the caller's workspace, validates every payload, and answers with an ack.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false })
export class ConversationsGateway implements OnGatewayInit {
  private readonly logger = new Logger('ConversationsGateway');

  constructor(
    private readonly conversations: ConversationsService,
    private readonly chat: ChatService,
    private readonly identity: IdentityService,
    private readonly publisher: RealtimePublisher,
  ) {}

  afterInit(server: TypedServer): void {
    server.use((socket, next) => {
      try {
        const { workspaceId, userId, role } = this.identity.resolve(socket.handshake.headers);
        (socket as TypedSocket).data.ctx = { workspaceId, userId, role };
        void socket.join(workspaceRoom(workspaceId));
        next();
      } catch (err) {
        next(err instanceof Error ? err : new Error('unauthenticated'));
      }
    });
    this.publisher.attach(server);
  }

  @SubscribeMessage('conversation.join')
  async join(@ConnectedSocket() socket: TypedSocket, @MessageBody() payload: unknown): Promise<Ack<ConversationRef>> {
    try {
      const ref = parse(ConversationRefSchema, payload);
      await this.conversations.get(socket.data.ctx, ref.conversationId);
      await socket.join(conversationRoom(ref.conversationId));
      return { ok: true, data: ref };
    } catch (err) {
      return fail(err);
    }
  }

  @SubscribeMessage('conversation.leave')
  async leave(@ConnectedSocket() socket: TypedSocket, @MessageBody() payload: unknown): Promise<Ack<ConversationRef>> {
    try {
      const ref = parse(ConversationRefSchema, payload);
      await socket.leave(conversationRoom(ref.conversationId));
      return { ok: true, data: ref };
    } catch (err) {
      return fail(err);
    }
  }

  /** Acks once the message is stored; the reply follows as events in the conversation room. */
  @SubscribeMessage('message.send')
  async send(@ConnectedSocket() socket: TypedSocket, @MessageBody() payload: unknown): Promise<Ack<Message>> {
    try {
      const { conversationId, content } = parse(SocketSendMessageSchema, payload);
      const { message, reply } = await this.chat.accept(socket.data.ctx, conversationId, content);
      reply.catch((err: unknown) => this.logger.error({ err, conversationId }, 'reply could not be stored'));
      return { ok: true, data: message };
    } catch (err) {
      return fail(err);
    }
  }
}
