import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApprovalListQuerySchema,
  ApproveRemainingBodySchema,
  BulkDecideBodySchema,
  DecideApprovalBodySchema,
  type Approval,
  type ApprovalDetail,
  type ApprovalPage,
  type ApproveRemainingResult,
  type BulkDecideResult,
  type Inbox,
} from '@orchestrator/contracts';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { ApprovalsService } from './approvals.service.js';
import { Requires } from '../../security/requires.decorator.js';

@Controller('api/approvals')
export class ApprovalsController {
  constructor(private readonly service: ApprovalsService) {}

  @Requires('read')
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<ApprovalPage> {
    return this.service.list(ctx, parseInput(ApprovalListQuerySchema, query, 'query'));
  }

  /** Per id: decided, or why not (already decided, expired, not found). Never all-or-nothing. */
  @Requires('decide')
  @Post('bulk-decision')
  @HttpCode(200)
  bulkDecide(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<BulkDecideResult> {
    return this.service.bulkDecide(ctx, parseInput(BulkDecideBodySchema, body, 'body'));
  }

  /** With what a person needs to decide it: the results it builds on, who asked, what comes next. */
  @Requires('read')
  @Get(':id')
  get(@Ctx() ctx: RequestContext, @UuidParam('id', 'approval/not_found') id: string): Promise<ApprovalDetail> {
    return this.service.detail(ctx, id);
  }

  /** Decided once: a second decision is a 409 that states the current status and who decided. */
  @Requires('decide')
  @Post(':id/decision')
  @HttpCode(200)
  decide(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'approval/not_found') id: string,
    @Body() body: unknown,
  ): Promise<Approval> {
    return this.service.decide(ctx, id, parseInput(DecideApprovalBodySchema, body, 'body'));
  }
}

/** A project's approvals as a whole. */
@Controller('api/projects/:id/approvals')
export class ProjectApprovalsController {
  constructor(private readonly service: ApprovalsService) {}

  /**
   * Approves what of the project waits now at `maxRisk` or below and approves its later steps
   * within that ceiling as they are reached; critical steps and approval checkpoints still wait.
   */
  @Requires('decide')
  @Post('approve-remaining')
  @HttpCode(200)
  approveRemaining(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'project/not_found') id: string,
    @Body() body: unknown,
  ): Promise<ApproveRemainingResult> {
    return this.service.approveRemaining(ctx, id, parseInput(ApproveRemainingBodySchema, body, 'body'));
  }
}

/** The personal "needs my action" list: approvals and human-assigned steps. */
@Controller('api/inbox')
export class InboxController {
  constructor(private readonly service: ApprovalsService) {}

  @Requires('read')
  @Get()
  inbox(@Ctx() ctx: RequestContext): Promise<Inbox> {
    return this.service.inbox(ctx);
  }
}
