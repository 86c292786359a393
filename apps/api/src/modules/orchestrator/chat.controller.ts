import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { SendMessageBodySchema, type SendMessageResponse } from '@orchestrator/contracts';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { ChatService } from './chat.service.js';
import { Requires } from '../../security/requires.decorator.js';

/** The messages a person sends: they go through the orchestrator facade (docs/architecture.md#a-message-end-to-end). */
@Controller('api/conversations')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  /** Responds once the reply is stored; meanwhile it streams to the conversation's socket room. */
  @Requires('chat')
  @Post(':id/messages')
  @HttpCode(201)
  send(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'conversation/not_found') id: string,
    @Body() body: unknown,
  ): Promise<SendMessageResponse> {
    const { content } = parseInput(SendMessageBodySchema, body, 'body');
    return this.chat.send(ctx, id, content);
  }

  /** Answers again a message whose reply failed (the notice's Retry); no body. */
  @Requires('chat')
  @Post(':id/messages/:messageId/retry')
  @HttpCode(201)
  retry(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'conversation/not_found') id: string,
    @UuidParam('messageId', 'conversation/message_not_found') messageId: string,
  ): Promise<SendMessageResponse> {
    return this.chat.retry(ctx, id, messageId);
  }
}
