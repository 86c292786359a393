import { Injectable } from '@nestjs/common';
import type {
  Conversation,
  ConversationPage,
  CreateConversationBody,
  MessageList,
  MessageListQuery,
} from '@orchestrator/contracts';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { ConversationsRepository } from './conversations.repository.js';

@Injectable()
export class ConversationsService {
  constructor(private readonly repository: ConversationsRepository) {}

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
}
