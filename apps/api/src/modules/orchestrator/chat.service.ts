import { Inject, Injectable } from '@nestjs/common';
import type { Message } from '@orchestrator/contracts';
import type { OrchestratorFacade, UserMessageResult } from '@orchestrator/core';
import type { RequestContext } from '../../common/request-context.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { ORCHESTRATOR } from './orchestrator.tokens.js';

/** The chat's way into the orchestrator facade: REST and the socket both send through here. */
@Injectable()
export class ChatService {
  constructor(
    private readonly conversations: ConversationsService,
    @Inject(ORCHESTRATOR) private readonly orchestrator: OrchestratorFacade,
  ) {}

  /** Checks the conversation first so an unknown id writes nothing. */
  async send(ctx: RequestContext, id: string, content: string): Promise<UserMessageResult> {
    await this.conversations.get(ctx, id);
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
    await this.conversations.get(ctx, id);
    return this.orchestrator.accept({ workspaceId: ctx.workspaceId, conversationId: id, userId: ctx.userId, content });
  }
}
