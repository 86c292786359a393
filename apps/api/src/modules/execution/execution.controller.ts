import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ProjectControlBodySchema,
  RecoverStepBodySchema,
  RollbackBodySchema,
  type CheckpointInfo,
  type ProjectDetail,
  type ProjectError,
  type ProjectStep,
} from '@orchestrator/contracts';
import type { Response } from 'express';
import { AppError } from '../../common/app-error.js';
import { UuidParam, StepKeyParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { ProjectsService } from '../projects/projects.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { ExecutionService } from './execution.service.js';
import { TimeTravelService } from './time-travel.service.js';
import { Requires } from '../../security/requires.decorator.js';

@Controller('api/projects/:id')
export class ExecutionController {
  constructor(
    private readonly service: ExecutionService,
    private readonly timeTravel: TimeTravelService,
    private readonly repository: ExecutionRepository,
    private readonly projects: ProjectsService,
  ) {}

  @Requires('read')
  @Get('steps')
  async steps(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
  ): Promise<{ steps: ProjectStep[] }> {
    await this.projects.summary(ctx, id);
    return { steps: await this.repository.steps(ctx.workspaceId, id) };
  }

  /** The full result of a step, streamed: large results are never held in memory. */
  @Requires('read')
  @Get('steps/:stepKey/result')
  async result(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @StepKeyParam() stepKey: string,
    @Res() res: Response,
  ): Promise<void> {
    await this.projects.summary(ctx, id);
    const result = await this.repository.result(ctx.workspaceId, id, stepKey);
    if (!result) throw new AppError('request/not_found', `Step ${stepKey} has no result yet.`);
    res.setHeader('content-type', `${result.contentType}; charset=utf-8`);
    res.setHeader('content-length', String(result.sizeBytes));
    if (result.inline !== undefined) {
      res.end(result.inline);
      return;
    }
    this.repository.blobs
      .open(result.blobKey!)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  @Requires('read')
  @Get('errors')
  async errors(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
  ): Promise<{ errors: ProjectError[] }> {
    await this.projects.summary(ctx, id);
    return { errors: await this.repository.errors(ctx.workspaceId, id) };
  }

  @Requires('work')
  @Post('steps/:stepKey/recover')
  @HttpCode(200)
  recover(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @StepKeyParam() stepKey: string,
    @Body() body: unknown,
  ): Promise<ProjectDetail> {
    return this.service.recover(ctx, id, stepKey, parseInput(RecoverStepBodySchema, body, 'body'));
  }

  @Requires('work')
  @Post('pause')
  @HttpCode(200)
  pause(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @Body() body: unknown,
  ): Promise<ProjectDetail> {
    return this.service.pause(ctx, id, parseInput(ProjectControlBodySchema, body ?? {}, 'body').reason);
  }

  @Requires('work')
  @Post('resume')
  @HttpCode(200)
  resume(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @Body() body: unknown,
  ): Promise<ProjectDetail> {
    return this.service.resume(ctx, id, parseInput(ProjectControlBodySchema, body ?? {}, 'body').reason);
  }

  @Requires('work')
  @Post('cancel')
  @HttpCode(200)
  cancel(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @Body() body: unknown,
  ): Promise<ProjectDetail> {
    return this.service.stop(ctx, id, 'cancel', parseInput(ProjectControlBodySchema, body ?? {}, 'body').reason);
  }

  @Requires('work')
  @Post('abort')
  @HttpCode(200)
  abort(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @Body() body: unknown,
  ): Promise<ProjectDetail> {
    return this.service.stop(ctx, id, 'abort', parseInput(ProjectControlBodySchema, body ?? {}, 'body').reason);
  }

  @Requires('read')
  @Get('checkpoints')
  async checkpoints(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
  ): Promise<{ checkpoints: CheckpointInfo[] }> {
    return { checkpoints: await this.timeTravel.checkpoints(ctx, id) };
  }

  /** `rollback`: this project goes back to the checkpoint. `fork`: a new project starts from it (returned). */
  @Requires('work')
  @Post('rollback')
  @HttpCode(200)
  rollback(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @Body() body: unknown,
  ): Promise<ProjectDetail> {
    const { checkpointId, mode } = parseInput(RollbackBodySchema, body, 'body');
    return mode === 'fork'
      ? this.timeTravel.fork(ctx, id, checkpointId)
      : this.timeTravel.rollback(ctx, id, checkpointId);
  }
}
