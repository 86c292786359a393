import { Body, Controller, Delete, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import {
  ChangeRoleBodySchema,
  CreateWorkspaceBodySchema,
  RenameWorkspaceBodySchema,
  type Member,
  type PasswordResetLinkSchema,
  type WorkspaceMembership,
} from '@orchestrator/contracts';
import type { Request } from 'express';
import type { z } from 'zod';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { Requires } from '../../security/requires.decorator.js';
import { MembersService } from './members.service.js';

/** The caller's workspace's members (admins). */
@Controller('api/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Requires('administer')
  @Get()
  async list(@Ctx() ctx: RequestContext): Promise<{ members: Member[] }> {
    return { members: await this.members.list(ctx) };
  }

  @Requires('administer')
  @Put(':userId/role')
  changeRole(
    @Ctx() ctx: RequestContext,
    @UuidParam('userId', 'member/not_found') userId: string,
    @Body() body: unknown,
  ): Promise<Member> {
    return this.members.changeRole(ctx, userId, parseInput(ChangeRoleBodySchema, body, 'body').role);
  }

  @Requires('administer')
  @Delete(':userId')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext, @UuidParam('userId', 'member/not_found') userId: string): Promise<void> {
    return this.members.remove(ctx, userId);
  }

  @Requires('administer')
  @Post(':userId/password-reset')
  @HttpCode(200)
  resetLink(
    @Ctx() ctx: RequestContext,
    @Req() req: Request,
    @UuidParam('userId', 'member/not_found') userId: string,
  ): Promise<z.infer<typeof PasswordResetLinkSchema>> {
    return this.members.resetLink(ctx, req, userId);
  }
}

/** Workspaces: anyone signed in may start one; its admins rename it. */
@Controller('api/workspaces')
export class WorkspacesController {
  constructor(private readonly members: MembersService) {}

  @Requires('account')
  @Post()
  create(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<WorkspaceMembership> {
    return this.members.createWorkspace(ctx, parseInput(CreateWorkspaceBodySchema, body, 'body').name);
  }

  @Requires('administer')
  @Put('current')
  rename(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<WorkspaceMembership> {
    return this.members.renameWorkspace(ctx, parseInput(RenameWorkspaceBodySchema, body, 'body').name);
  }
}
