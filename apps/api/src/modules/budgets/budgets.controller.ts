import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  PutBudgetBodySchema,
  RunLimitsBodySchema,
  UsageCallsQuerySchema,
  UsageQuerySchema,
  type AgentCircuitList,
  type Budget,
  type BudgetList,
  type ProjectRunLimits,
  type UsageCallList,
  type UsageReport,
} from '@orchestrator/contracts';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { BudgetsService } from './budgets.service.js';
import { Requires } from '../../security/requires.decorator.js';

/** Budgets, usage roll-ups, per-run limits and circuit breakers (docs/operations.md#budgets and below). */
@Controller('api/budgets')
export class BudgetsController {
  constructor(private readonly service: BudgetsService) {}

  @Requires('read')
  @Get()
  async list(@Ctx() ctx: RequestContext): Promise<BudgetList> {
    return { budgets: await this.service.list(ctx) };
  }

  @Requires('administer')
  @Put()
  put(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<Budget> {
    return this.service.put(ctx, parseInput(PutBudgetBodySchema, body, 'body'));
  }

  /** Cost and tokens rolled up per step, project, agent or department. */
  @Requires('read')
  @Get('usage')
  usage(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<UsageReport> {
    return this.service.report(ctx, parseInput(UsageQuerySchema, query, 'query'));
  }

  /** The recorded LLM calls behind one row of the usage report, newest first. */
  @Requires('read')
  @Get('usage/calls')
  usageCalls(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<UsageCallList> {
    return this.service.usageCalls(ctx, parseInput(UsageCallsQuerySchema, query, 'query'));
  }

  @Requires('read')
  @Get('circuits')
  async circuits(@Ctx() ctx: RequestContext): Promise<AgentCircuitList> {
    return { circuits: await this.service.circuits(ctx) };
  }

  @Requires('administer')
  @Post('circuits/:agent/reset')
  @HttpCode(200)
  resetCircuit(@Ctx() ctx: RequestContext, @Param('agent') agent: string) {
    return this.service.resetCircuit(ctx, agent);
  }

  @Requires('read')
  @Get('projects/:projectId/limits')
  runLimits(
    @Ctx() ctx: RequestContext,
    @UuidParam('projectId', 'project/not_found') projectId: string,
  ): Promise<ProjectRunLimits> {
    return this.service.runLimits(ctx, projectId);
  }

  @Requires('administer')
  @Put('projects/:projectId/limits')
  setRunLimits(
    @Ctx() ctx: RequestContext,
    @UuidParam('projectId', 'project/not_found') projectId: string,
    @Body() body: unknown,
  ): Promise<ProjectRunLimits> {
    return this.service.setRunLimits(ctx, projectId, parseInput(RunLimitsBodySchema, body, 'body'));
  }

  @Requires('administer')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Ctx() ctx: RequestContext, @UuidParam('id', 'budget/not_found') id: string): Promise<void> {
    await this.service.remove(ctx, id);
  }
}
