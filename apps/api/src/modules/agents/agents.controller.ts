import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  AgentVersionListQuerySchema,
  RestoreAgentVersionBodySchema,
  SaveAgentContextBodySchema,
  SaveAgentDefinitionBodySchema,
  type AgentDetail,
  type AgentDiff,
  type AgentList,
  type AgentMetricsList,
  type AgentVersion,
  type AgentVersionPage,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { AgentMetricsRepository } from './agent-metrics.repository.js';
import { AgentRegistryService } from './agent-registry.service.js';
import { AgentVersionsRepository } from './agent-versions.repository.js';
import { AgentWorkspaceService, type AgentAuthor } from './agent-workspace.service.js';
import { AgentsRepository } from './agents.repository.js';
import { Requires } from '../../security/requires.decorator.js';

const VersionSchema = z.coerce.number().int().min(1).max(1_000_000_000);
const DiffQuerySchema = z.object({ from: VersionSchema, to: VersionSchema }).strict();
const NameSchema = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be an agent name (snake_case)');

@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly repository: AgentsRepository,
    private readonly registry: AgentRegistryService,
    private readonly workspace: AgentWorkspaceService,
    private readonly metrics: AgentMetricsRepository,
    private readonly versions: AgentVersionsRepository,
  ) {}

  @Requires('read')
  @Get()
  async list(@Ctx() ctx: RequestContext): Promise<AgentList> {
    return { agents: await this.repository.list(ctx.workspaceId) };
  }

  /** Tasks, success rate, duration, ratings, tokens and cost per agent over the last 30 days. */
  @Requires('read')
  @Get('metrics')
  async allMetrics(@Ctx() ctx: RequestContext): Promise<AgentMetricsList> {
    return { metrics: await this.metrics.list(ctx.workspaceId) };
  }

  /** Files under agents/ that failed to load, with their path and the exact problem. */
  @Requires('read')
  @Get('problems')
  problems() {
    return { problems: this.registry.problems() };
  }

  @Requires('read')
  @Get(':name')
  detail(@Ctx() ctx: RequestContext, @Param('name') name: string): Promise<AgentDetail> {
    return this.workspace.detail(ctx.workspaceId, parseInput(NameSchema, name, 'path: name'));
  }

  @Requires('administer')
  @Put(':name/context')
  async saveContext(
    @Ctx() ctx: RequestContext,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<AgentDetail> {
    const input = parseInput(SaveAgentContextBodySchema, body, 'body');
    return this.workspace.saveContext(
      ctx.workspaceId,
      parseInput(NameSchema, name, 'path: name'),
      input,
      await this.author(ctx),
    );
  }

  @Requires('administer')
  @Put(':name/definition')
  async saveDefinition(
    @Ctx() ctx: RequestContext,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<AgentDetail> {
    const input = parseInput(SaveAgentDefinitionBodySchema, body, 'body');
    return this.workspace.saveDefinition(
      ctx.workspaceId,
      parseInput(NameSchema, name, 'path: name'),
      input,
      await this.author(ctx),
    );
  }

  @Requires('read')
  @Get(':name/versions')
  versionList(
    @Ctx() ctx: RequestContext,
    @Param('name') name: string,
    @Query() query: unknown,
  ): Promise<AgentVersionPage> {
    return this.workspace.versions(
      ctx.workspaceId,
      parseInput(NameSchema, name, 'path: name'),
      parseInput(AgentVersionListQuerySchema, query, 'query'),
    );
  }

  @Requires('read')
  @Get(':name/versions/:version')
  version(
    @Ctx() ctx: RequestContext,
    @Param('name') name: string,
    @Param('version') version: string,
  ): Promise<AgentVersion> {
    return this.workspace.version(
      ctx.workspaceId,
      parseInput(NameSchema, name, 'path: name'),
      parseInput(VersionSchema, version, 'path: version'),
    );
  }

  @Requires('read')
  @Get(':name/diff')
  diff(@Ctx() ctx: RequestContext, @Param('name') name: string, @Query() query: unknown): Promise<AgentDiff> {
    const { from, to } = parseInput(DiffQuerySchema, query, 'query');
    return this.workspace.diff(ctx.workspaceId, parseInput(NameSchema, name, 'path: name'), from, to);
  }

  /** Restores an earlier version as a new one; history is never rewritten. */
  @Requires('administer')
  @Post(':name/restore')
  @HttpCode(200)
  async restore(@Ctx() ctx: RequestContext, @Param('name') name: string, @Body() body: unknown): Promise<AgentDetail> {
    const input = parseInput(RestoreAgentVersionBodySchema, body, 'body');
    return this.workspace.restore(
      ctx.workspaceId,
      parseInput(NameSchema, name, 'path: name'),
      input,
      await this.author(ctx),
    );
  }

  private async author(ctx: RequestContext): Promise<AgentAuthor> {
    return { type: 'user', name: await this.versions.userName(ctx.userId), userId: ctx.userId };
  }
}
