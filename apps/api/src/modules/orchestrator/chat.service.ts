import { Inject, Injectable } from '@nestjs/common';
import type { Message } from '@orchestrator/contracts';
import type { OrchestratorFacade, UserMessageResult } from '@orchestrator/core';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { ORCHESTRATOR } from './orchestrator.tokens.js';
import { ReplyRecovery } from './reply-recovery.js';

/** The chat's way into the orchestrator facade: REST and the socket both send through here. */
@Injectable()
export class ChatService {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly repository: ConversationsRepository,
    private readonly recovery: ReplyRecovery,
    @Inject(ORCHESTRATOR) private readonly orchestrator: OrchestratorFacade,
  ) {}

  /** Checks the conversation first so an unknown id writes nothing. */
  async send(ctx: RequestContext, id: string, content: string): Promise<UserMessageResult> {
    const { message, reply } = await this.accept(ctx, id, content);
    return { message, reply: await reply };
  }

  /** Like `send`, but resolves as soon as the user message is stored (for socket acks). */
  async accept(
    ctx: RequestContext,
    id: string,
    content: string,
  ): Promise<{ message: Message; reply: Promise<Message> }> {
    await this.conversations.get(ctx, id);
    const accepted = await this.orchestrator.accept({
      workspaceId: ctx.workspaceId,
      conversationId: id,
      userId: ctx.userId,
      content,
    });
    this.recovery.track(accepted.message.id, accepted.reply);
    return accepted;
  }

  /**
   * Answers a user message again whose turn failed (its failure notice offers Retry): the same
   * stored message, not a copy; resolves when the new reply (or notice) is stored.
   */
  async retry(ctx: RequestContext, id: string, messageId: string): Promise<UserMessageResult> {
    await this.conversations.get(ctx, id);
    const pending = await this.repository.reopenReply(ctx.workspaceId, id, messageId, ctx.userId);
    if (pending === 'not_found')
      throw new AppError(
        'conversation/message_not_found',
        `Message ${messageId} is not a message you sent in this conversation.`,
      );
    if (pending === 'answered')
      throw new AppError(
        'conversation/already_answered',
        'This message already has a reply; there is nothing to retry.',
      );
    if (pending === 'in_progress')
      throw new AppError('conversation/reply_in_progress', 'This message is being answered right now.');
    const message = await this.repository.findMessage(ctx.workspaceId, id, messageId);
    const reply = this.orchestrator.resume(pending);
    this.recovery.track(messageId, reply);
    return { message: message!, reply: await reply };
  }
}
