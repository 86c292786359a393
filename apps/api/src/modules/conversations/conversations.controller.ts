import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ConversationListQuerySchema,
  CreateConversationBodySchema,
  MessageListQuerySchema,
  RenameConversationBodySchema,
  type Conversation,
  type ConversationPage,
  type MessageList,
} from '@orchestrator/contracts';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { ConversationsService } from './conversations.service.js';
import { Requires } from '../../security/requires.decorator.js';

@Controller('api/conversations')
export class ConversationsController {
  constructor(private readonly service: ConversationsService) {}

  @Requires('read')
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<ConversationPage> {
    return this.service.list(ctx, parseInput(ConversationListQuerySchema, query, 'query'));
  }

  @Requires('chat')
  @Post()
  @HttpCode(201)
  create(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<Conversation> {
    return this.service.create(ctx, parseInput(CreateConversationBodySchema, body ?? {}, 'body'));
  }

  @Requires('read')
  @Get(':id')
  get(@Ctx() ctx: RequestContext, @UuidParam('id', 'conversation/not_found') id: string): Promise<Conversation> {
    return this.service.get(ctx, id);
  }

  @Requires('chat')
  @Patch(':id')
  rename(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'conversation/not_found') id: string,
    @Body() body: unknown,
  ): Promise<Conversation> {
    return this.service.rename(ctx, id, parseInput(RenameConversationBodySchema, body, 'body'));
  }

  @Requires('chat')
  @Delete(':id')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext, @UuidParam('id', 'conversation/not_found') id: string): Promise<void> {
    return this.service.remove(ctx, id);
  }

  @Requires('read')
  @Get(':id/messages')
  messages(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'conversation/not_found') id: string,
    @Query() query: unknown,
  ): Promise<MessageList> {
    return this.service.messages(ctx, id, parseInput(MessageListQuerySchema, query, 'query'));
  }
}
