import { Module } from '@nestjs/common';
import { ConversationsModule } from '../modules/conversations/conversations.module.js';
import { ConversationsGateway } from './conversations.gateway.js';

@Module({ imports: [ConversationsModule], providers: [ConversationsGateway] })
export class GatewayModule {}
