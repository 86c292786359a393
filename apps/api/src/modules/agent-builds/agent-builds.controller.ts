import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  AgentVersionListQuerySchema,
  CreateAgentBuildBodySchema,
  type AgentBuild,
  type AgentBuildPage,
  type AgentTemplate,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { AgentBuildsService } from './agent-builds.service.js';
import { Requires } from '../../security/requires.decorator.js';

const CancelBodySchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

/** Building agents (docs/api.md#building-agents): templates, the create-agent wizard, the builds and their progress. */
@Controller('api')
export class AgentBuildsController {
  constructor(private readonly builds: AgentBuildsService) {}

  @Requires('read')
  @Get('agent-templates')
  templates(): { templates: AgentTemplate[] } {
    return { templates: this.builds.templates() };
  }

  /** The wizard: the build starts at once and is approved in the Approvals queue or the build card. */
  @Requires('work')
  @Post('agent-builds')
  create(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<AgentBuild> {
    return this.builds.create(ctx, parseInput(CreateAgentBuildBodySchema, body, 'body'));
  }

  @Requires('read')
  @Get('agent-builds')
  list(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<AgentBuildPage> {
    // Same paging as the version history: limit 1–200, an opaque cursor.
    return this.builds.list(ctx, parseInput(AgentVersionListQuerySchema, query, 'query'));
  }

  @Requires('read')
  @Get('agent-builds/:id')
  get(@Ctx() ctx: RequestContext, @UuidParam('id', 'agent_build/not_found') id: string): Promise<AgentBuild> {
    return this.builds.get(ctx, id);
  }

  @Requires('work')
  @Post('agent-builds/:id/cancel')
  @HttpCode(200)
  cancel(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'agent_build/not_found') id: string,
    @Body() body: unknown,
  ): Promise<AgentBuild> {
    const { reason } = parseInput(CancelBodySchema, body ?? {}, 'body');
    return this.builds.cancel(ctx, id, reason);
  }
}
