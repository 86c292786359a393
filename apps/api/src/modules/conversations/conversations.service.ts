import { Injectable } from '@nestjs/common';
import type {
  Conversation,
  ConversationListQuery,
  ConversationPage,
  CreateConversationBody,
  MessageList,
  MessageListQuery,
  RenameConversationBody,
} from '@orchestrator/contracts';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { ConversationChangesRepository } from './conversation-changes.repository.js';
import { ConversationSearchRepository } from './conversation-search.repository.js';
import { ConversationsRepository } from './conversations.repository.js';

const notFound = (id: string) => new AppError('conversation/not_found', `Conversation ${id} does not exist.`);

@Injectable()
export class ConversationsService {
  constructor(
    private readonly repository: ConversationsRepository,
    private readonly changes: ConversationChangesRepository,
    private readonly searches: ConversationSearchRepository,
  ) {}

  create(ctx: RequestContext, body: CreateConversationBody): Promise<Conversation> {
    return this.repository.create(ctx.workspaceId, ctx.userId, body.title);
  }

  list(ctx: RequestContext, query: ConversationListQuery): Promise<ConversationPage> {
    return query.q
      ? this.searches.search(ctx.workspaceId, query.q, query.limit, query.cursor)
      : this.repository.list(ctx.workspaceId, query.limit, query.cursor);
  }

  async get(ctx: RequestContext, id: string): Promise<Conversation> {
    const conversation = await this.repository.find(ctx.workspaceId, id);
    if (!conversation) throw notFound(id);
    return conversation;
  }

  async rename(ctx: RequestContext, id: string, body: RenameConversationBody): Promise<Conversation> {
    const renamed = await this.changes.rename(ctx, id, body.title);
    if (!renamed) throw notFound(id);
    return renamed;
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    if (!(await this.changes.remove(ctx, id))) throw notFound(id);
  }

  async messages(ctx: RequestContext, id: string, query: MessageListQuery): Promise<MessageList> {
    await this.get(ctx, id);
    return this.repository.listMessages(ctx.workspaceId, id, query.after, query.limit);
  }
}
