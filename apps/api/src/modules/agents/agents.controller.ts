import { Controller, Get } from '@nestjs/common';
import type { AgentList } from '@orchestrator/contracts';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { AgentsRepository } from './agents.repository.js';

@Controller('api/agents')
export class AgentsController {
  constructor(private readonly repository: AgentsRepository) {}

  @Get()
  async list(@Ctx() ctx: RequestContext): Promise<AgentList> {
    return { agents: await this.repository.list(ctx.workspaceId) };
  }
}
