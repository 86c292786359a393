import { Module } from '@nestjs/common';
import { ConversationsModule } from '../modules/conversations/conversations.module.js';
import { OrchestratorModule } from '../modules/orchestrator/orchestrator.module.js';
import { ConversationsGateway } from './conversations.gateway.js';

@Module({ imports: [ConversationsModule, OrchestratorModule], providers: [ConversationsGateway] })
export class GatewayModule {}
