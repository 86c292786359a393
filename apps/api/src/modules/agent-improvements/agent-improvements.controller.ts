import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ProposeImprovementBodySchema,
  RetireAgentBodySchema,
  type AgentImprovement,
  type RetireAgentResult,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { AppError } from '../../common/app-error.js';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { AgentImprovementsRepository } from './agent-improvements.repository.js';
import { AgentImprovementsService } from './agent-improvements.service.js';
import { AgentRetirementService } from './agent-retirement.service.js';
import { Requires } from '../../security/requires.decorator.js';

const NameSchema = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be an agent name (snake_case)');

/** IMPROVE_AGENT and retirement (docs/workforce.md#improving-and-retiring-agents): proposals, restore, retiring. */
@Controller('api')
export class AgentImprovementsController {
  constructor(
    private readonly improvements: AgentImprovementsService,
    private readonly retirement: AgentRetirementService,
    private readonly repository: AgentImprovementsRepository,
  ) {}

  @Requires('read')
  @Get('agents/:name/improvements')
  async list(@Ctx() ctx: RequestContext, @Param('name') name: string): Promise<{ improvements: AgentImprovement[] }> {
    return { improvements: await this.improvements.list(ctx, parseInput(NameSchema, name, 'path: name')) };
  }

  /** A person's feedback from the Workforce view: proposed at once, decided in the Approvals queue. */
  @Requires('work')
  @Post('agents/:name/improvements')
  async propose(
    @Ctx() ctx: RequestContext,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<AgentImprovement> {
    const agentName = parseInput(NameSchema, name, 'path: name');
    const { feedback } = parseInput(ProposeImprovementBodySchema, body, 'body');
    const { record, created } = await this.improvements.propose({
      workspaceId: ctx.workspaceId,
      agentName,
      triggerType: 'manual',
      feedback,
      details: { source: 'workforce', userId: ctx.userId },
      proposedBy: ctx.userId,
    });
    if (!created) {
      throw new AppError(
        'improvement/already_open',
        `${agentName} already has an improvement waiting for a decision (${record.improvement.id}); decide it first.`,
        undefined,
        { improvement: record.improvement },
      );
    }
    return record.improvement;
  }

  @Requires('read')
  @Get('improvements/:id')
  get(@Ctx() ctx: RequestContext, @UuidParam('id', 'improvement/not_found') id: string): Promise<AgentImprovement> {
    return this.improvements.get(ctx, id);
  }

  /** One click: the version before the improvement becomes the newest version again. */
  @Requires('administer')
  @Post('improvements/:id/restore')
  @HttpCode(200)
  async restore(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'improvement/not_found') id: string,
  ): Promise<AgentImprovement> {
    return this.improvements.restore(ctx, id, await this.repository.userName(ctx.userId));
  }

  @Requires('administer')
  @Post('agents/:name/retire')
  @HttpCode(200)
  async retire(
    @Ctx() ctx: RequestContext,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<RetireAgentResult> {
    const { reason } = parseInput(RetireAgentBodySchema, body, 'body');
    return this.retirement.retire(ctx.workspaceId, parseInput(NameSchema, name, 'path: name'), reason, {
      userId: ctx.userId,
      name: await this.repository.userName(ctx.userId),
    });
  }
}
