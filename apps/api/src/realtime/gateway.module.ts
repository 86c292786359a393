import { Module } from '@nestjs/common';
import { ConversationsModule } from '../modules/conversations/conversations.module.js';
import { OrchestratorModule } from '../modules/orchestrator/orchestrator.module.js';
import { ProjectsModule } from '../modules/projects/projects.module.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({ imports: [ConversationsModule, OrchestratorModule, ProjectsModule], providers: [RealtimeGateway] })
export class GatewayModule {}
