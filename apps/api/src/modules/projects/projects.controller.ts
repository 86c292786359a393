import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApprovePlanBodySchema,
  ProjectListQuerySchema,
  type PlanVersion,
  type ProjectDetail,
  type ProjectPage,
} from '@orchestrator/contracts';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { ProjectsService } from './projects.service.js';
import { Requires } from '../../security/requires.decorator.js';

@Controller('api/projects')
export class ProjectsController {
  constructor(private readonly service: ProjectsService) {}

  @Requires('read')
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<ProjectPage> {
    const { limit, status, cursor } = parseInput(ProjectListQuerySchema, query, 'query');
    return this.service.list(ctx, limit, status, cursor);
  }

  @Requires('read')
  @Get(':id')
  detail(@Ctx() ctx: RequestContext, @UuidParam('id', 'project/not_found') id: string): Promise<ProjectDetail> {
    return this.service.detail(ctx, id);
  }

  @Requires('read')
  @Get(':id/plan-versions')
  versions(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
  ): Promise<{ versions: PlanVersion[] }> {
    return this.service.versions(ctx, id);
  }

  /** Plan → Approve: approves exactly the version the person reviewed (409 if superseded). */
  @Requires('work')
  @Post(':id/approve')
  @HttpCode(200)
  approve(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @Body() body: unknown,
  ): Promise<ProjectDetail> {
    const { version } = parseInput(ApprovePlanBodySchema, body, 'body');
    return this.service.approve(ctx, id, version);
  }
}
