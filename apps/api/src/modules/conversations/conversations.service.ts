import { Inject, Injectable } from '@nestjs/common';
import type {
  Conversation,
  ConversationPage,
  CreateConversationBody,
  Message,
  MessageList,
  MessageListQuery,
} from '@orchestrator/contracts';
import type { OrchestratorFacade, UserMessageResult } from '@orchestrator/core';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { ORCHESTRATOR } from '../orchestrator/orchestrator.tokens.js';
import { ConversationsRepository } from './conversations.repository.js';

@Injectable()
export class ConversationsService {
  constructor(
    private readonly repository: ConversationsRepository,
    @Inject(ORCHESTRATOR) private readonly orchestrator: OrchestratorFacade,
  ) {}

  create(ctx: RequestContext, body: CreateConversationBody): Promise<Conversation> {
    return this.repository.create(ctx.workspaceId, ctx.userId, body.title);
  }

  list(ctx: RequestContext, limit: number, cursor?: string): Promise<ConversationPage> {
    return this.repository.list(ctx.workspaceId, limit, cursor);
  }

  async get(ctx: RequestContext, id: string): Promise<Conversation> {
    const conversation = await this.repository.find(ctx.workspaceId, id);
    if (!conversation) throw new AppError('conversation/not_found', `Conversation ${id} does not exist.`);
    return conversation;
  }

  async messages(ctx: RequestContext, id: string, query: MessageListQuery): Promise<MessageList> {
    await this.get(ctx, id);
    return this.repository.listMessages(ctx.workspaceId, id, query.after, query.limit);
  }

  /** Checks the conversation first so an unknown id writes nothing. */
  async send(ctx: RequestContext, id: string, content: string): Promise<UserMessageResult> {
    await this.get(ctx, id);
    return this.orchestrator.handleUserMessage({
      workspaceId: ctx.workspaceId,
      conversationId: id,
      userId: ctx.userId,
      content,
    });
  }

  /** Like `send`, but resolves as soon as the user message is stored (for socket acks). */
  async accept(
    ctx: RequestContext,
    id: string,
    content: string,
  ): Promise<{ message: Message; reply: Promise<Message> }> {
    await this.get(ctx, id);
    return this.orchestrator.accept({ workspaceId: ctx.workspaceId, conversationId: id, userId: ctx.userId, content });
  }
}
