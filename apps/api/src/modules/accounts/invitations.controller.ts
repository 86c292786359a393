import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  AcceptInvitationBodySchema,
  CreateInvitationBodySchema,
  type CreatedInvitation,
  type Invitation,
  type InvitationPreview,
  type SessionInfo,
} from '@orchestrator/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, OptionalCtx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { Requires } from '../../security/requires.decorator.js';
import { InvitationsService } from './invitations.service.js';

const PreviewQuerySchema = z.object({ token: z.string().min(1).max(200) }).strict();

/** Invitations to the caller's workspace (admins), and their acceptance (anyone with the link). */
@Controller('api/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Requires('administer')
  @Get()
  async list(@Ctx() ctx: RequestContext): Promise<{ invitations: Invitation[] }> {
    return { invitations: await this.invitations.list(ctx) };
  }

  @Requires('administer')
  @Post()
  create(@Ctx() ctx: RequestContext, @Req() req: Request, @Body() body: unknown): Promise<CreatedInvitation> {
    return this.invitations.create(ctx, req, parseInput(CreateInvitationBodySchema, body, 'body'));
  }

  @Requires('public')
  @Get('accept')
  preview(@Req() req: Request, @Query() query: unknown): Promise<InvitationPreview> {
    return this.invitations.preview(req, parseInput(PreviewQuerySchema, query, 'query').token);
  }

  @Requires('public')
  @Post('accept')
  @HttpCode(200)
  accept(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @OptionalCtx() ctx: RequestContext | undefined,
    @Body() body: unknown,
  ): Promise<SessionInfo> {
    return this.invitations.accept(req, res, ctx, parseInput(AcceptInvitationBodySchema, body, 'body'));
  }

  @Requires('administer')
  @Delete(':id')
  @HttpCode(204)
  revoke(@Ctx() ctx: RequestContext, @UuidParam('id', 'invitation/not_found') id: string): Promise<void> {
    return this.invitations.revoke(ctx, id);
  }
}
