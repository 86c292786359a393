import { acrossWorkspaces, inWorkspace } from '@orchestrator/db';
import { Logger } from '@nestjs/common';
import {
  Ack as AckCallback,
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  clientEventSchemas,
  conversationRoom,
  projectRoom,
  roleAllows,
  SOCKET_EVENT_PERMISSIONS,
  workspaceRoom,
  type Ack,
  type ClientToServerEvents,
  type ConversationRef,
  type Message,
  type ProjectRef,
  type ServerToClientEvents,
  type SocketError,
} from '@orchestrator/contracts';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError, databaseUnavailable, isAppError } from '../common/app-error.js';
import { assertStorableText } from '../common/storable-text.js';
import { ConversationsService } from '../modules/conversations/conversations.service.js';
import { IdentityService } from '../modules/identity/identity.service.js';
import { ChatService } from '../modules/orchestrator/chat.service.js';
import { ProjectsService } from '../modules/projects/projects.service.js';
import { ChatRateLimit } from '../modules/rate-limits/chat-rate-limit.js';
import { forbiddenMessage } from '../security/permission.guard.js';
import { RealtimePublisher, type SocketData, type TypedServer } from './realtime.publisher.js';

type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

function socketError(cause: unknown): SocketError {
  const err = isAppError(cause) ? cause : databaseUnavailable(cause);
  if (err) return { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) };
  return { code: 'internal/error', message: 'Internal error. The details are in the server log.' };
}

const fail = (cause: unknown): Ack<never> => ({ ok: false, error: socketError(cause) });

/** The longest delay setTimeout keeps (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes a socket when the token that opened it expires (a revoked one is closed by the publisher). */
function closeAt(socket: TypedSocket, expiresAt: Date): void {
  let timer: NodeJS.Timeout;
  const wait = () => {
    const left = expiresAt.getTime() - Date.now();
    timer = setTimeout(left > MAX_TIMER_MS ? wait : () => socket.disconnect(true), Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  wait();
  socket.once('disconnect', () => clearTimeout(timer));
}

type ClientEvent = keyof typeof clientEventSchemas;
type Reply<T> = ((res: Ack<T>) => void) | undefined;

/** The same checks as an HTTP body: the event's contract schema, then text the database cannot store. */
function parse<E extends ClientEvent>(event: E, payload: unknown): z.infer<(typeof clientEventSchemas)[E]> {
  const result = clientEventSchemas[event].safeParse(payload);
  if (!result.success) throw AppError.fromZod(result.error, 'payload');
  assertStorableText(result.data, 'payload');
  return result.data as z.infer<(typeof clientEventSchemas)[E]>;
}

/**
 * Socket edge: authenticates on connection (guards do not run there), authorises every room
 * join against the caller's workspace, validates every payload, and answers with an ack.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('RealtimeGateway');

  constructor(
    private readonly conversations: ConversationsService,
    private readonly projects: ProjectsService,
    private readonly chat: ChatService,
    private readonly identity: IdentityService,
    private readonly publisher: RealtimePublisher,
    private readonly chatLimit: ChatRateLimit,
  ) {}

  afterInit(server: TypedServer): void {
    server.use((socket, next) => {
      acrossWorkspaces('identify the caller', () => this.identity.resolveHandshake(socket.handshake)).then(
        (caller) => {
          if (!caller) return next(this.refusal(new AppError('auth/unauthenticated', 'Sign in to connect.')));
          const { workspaceId, userId, role, tokenId, sessionId, tokenExpiresAt } = caller;
          socket.data.ctx = {
            workspaceId,
            userId,
            role,
            ...(tokenId ? { tokenId } : {}),
            ...(sessionId ? { sessionId } : {}),
          };
          socket.data.tokenExpiresAt = tokenExpiresAt;
          void socket.join(workspaceRoom(workspaceId));
          next();
        },
        (err: unknown) => next(this.refusal(err)),
      );
    });
    this.publisher.attach(server);
  }

  /** Once connected (a socket refused or gone during its handshake never gets here). */
  handleConnection(socket: TypedSocket): void {
    if (socket.data.tokenExpiresAt) closeAt(socket, socket.data.tokenExpiresAt);
  }

  /**
   * A refused handshake reaches the client as `connect_error` whose `data` is the error body's
   * `{ code, message }`, as over HTTP (`auth/unauthenticated`, `database/unavailable`).
   */
  private refusal(cause: unknown): Error & { data: SocketError } {
    if (!isAppError(cause) && !databaseUnavailable(cause)) this.logger.error({ err: cause }, 'socket handshake failed');
    const error = socketError(cause);
    return Object.assign(new Error(error.message), { data: error });
  }

  @SubscribeMessage('conversation.join')
  join(
    @ConnectedSocket() socket: TypedSocket,
    @MessageBody() payload: unknown,
    @AckCallback() ack: Reply<ConversationRef>,
  ): Promise<void> {
    return this.answer(socket, 'conversation.join', ack, async () => {
      const ref = parse('conversation.join', payload);
      await this.conversations.get(socket.data.ctx, ref.conversationId);
      await socket.join(conversationRoom(ref.conversationId));
      return ref;
    });
  }

  @SubscribeMessage('conversation.leave')
  leave(
    @ConnectedSocket() socket: TypedSocket,
    @MessageBody() payload: unknown,
    @AckCallback() ack: Reply<ConversationRef>,
  ): Promise<void> {
    return this.answer(socket, 'conversation.leave', ack, async () => {
      const ref = parse('conversation.leave', payload);
      await socket.leave(conversationRoom(ref.conversationId));
      return ref;
    });
  }

  /** A project's room (its `step.updated` events): only for a project of the caller's workspace. */
  @SubscribeMessage('project.join')
  joinProject(
    @ConnectedSocket() socket: TypedSocket,
    @MessageBody() payload: unknown,
    @AckCallback() ack: Reply<ProjectRef>,
  ): Promise<void> {
    return this.answer(socket, 'project.join', ack, async () => {
      const ref = parse('project.join', payload);
      await this.projects.summary(socket.data.ctx, ref.projectId);
      await socket.join(projectRoom(ref.projectId));
      return ref;
    });
  }

  @SubscribeMessage('project.leave')
  leaveProject(
    @ConnectedSocket() socket: TypedSocket,
    @MessageBody() payload: unknown,
    @AckCallback() ack: Reply<ProjectRef>,
  ): Promise<void> {
    return this.answer(socket, 'project.leave', ack, async () => {
      const ref = parse('project.leave', payload);
      await socket.leave(projectRoom(ref.projectId));
      return ref;
    });
  }

  /** Acks once the message is stored; the reply follows as events in the conversation room. */
  @SubscribeMessage('message.send')
  send(
    @ConnectedSocket() socket: TypedSocket,
    @MessageBody() payload: unknown,
    @AckCallback() ack: Reply<Message>,
  ): Promise<void> {
    return this.answer(socket, 'message.send', ack, async () => {
      await this.chatLimit.take(socket.data.ctx);
      const { conversationId, content } = parse('message.send', payload);
      const { message, reply } = await this.chat.accept(socket.data.ctx, conversationId, content);
      reply.catch((err: unknown) => this.logger.error({ err, conversationId }, 'reply could not be stored'));
      return message;
    });
  }

  /**
   * Every event is answered: through its ack, or — when the client sent none — a refusal comes
   * back as `event.rejected`, so a malformed emit is never silently dropped.
   */
  private async answer<T>(
    socket: TypedSocket,
    event: ClientEvent,
    ack: Reply<T>,
    work: () => Promise<T>,
  ): Promise<void> {
    let res: Ack<T>;
    try {
      // The same matrix as the HTTP routes (docs/security.md).
      const permission = SOCKET_EVENT_PERMISSIONS[event];
      if (!roleAllows(socket.data.ctx.role, permission))
        throw new AppError('auth/forbidden', forbiddenMessage(socket.data.ctx.role, permission));
      // Row-level security shows the event only the socket's workspace (docs/security.md).
      res = { ok: true, data: await inWorkspace(socket.data.ctx.workspaceId, work) };
    } catch (err) {
      if (!isAppError(err)) this.logger.error({ err, event }, 'socket event failed');
      res = fail(err);
    }
    if (typeof ack === 'function') ack(res);
    else if (!res.ok) socket.emit('event.rejected', { event, error: res.error });
  }
}
