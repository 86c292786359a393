import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ChangePasswordBodySchema,
  LoginBodySchema,
  ResetPasswordBodySchema,
  SetupBodySchema,
  SwitchWorkspaceBodySchema,
  type SessionInfo,
} from '@orchestrator/contracts';
import type { Request, Response } from 'express';
import { Ctx, OptionalCtx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { Requires } from '../../security/requires.decorator.js';
import { AuthService } from './auth.service.js';

/** Sign-in and the session (docs/api.md, "Accounts and sessions"). */
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Requires('public')
  @Get('session')
  session(@OptionalCtx() ctx: RequestContext | undefined): Promise<SessionInfo> {
    return this.auth.session(ctx);
  }

  @Requires('public')
  @Post('setup')
  @HttpCode(200)
  setUp(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<SessionInfo> {
    return this.auth.setUp(req, res, parseInput(SetupBodySchema, body, 'body'));
  }

  @Requires('public')
  @Post('login')
  @HttpCode(200)
  login(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<SessionInfo> {
    return this.auth.login(req, res, parseInput(LoginBodySchema, body, 'body'));
  }

  @Requires('account')
  @Post('logout')
  @HttpCode(204)
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Ctx() ctx: RequestContext): Promise<void> {
    return this.auth.logout(req, res, ctx);
  }

  @Requires('account')
  @Post('password')
  @HttpCode(204)
  changePassword(@Req() req: Request, @Ctx() ctx: RequestContext, @Body() body: unknown): Promise<void> {
    return this.auth.changePassword(req, ctx, parseInput(ChangePasswordBodySchema, body, 'body'));
  }

  @Requires('public')
  @Post('password-reset')
  @HttpCode(200)
  resetPassword(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Body() body: unknown,
  ): Promise<SessionInfo> {
    return this.auth.resetPassword(req, res, parseInput(ResetPasswordBodySchema, body, 'body'));
  }

  @Requires('account')
  @Post('workspace')
  @HttpCode(200)
  switchWorkspace(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<SessionInfo> {
    return this.auth.switchWorkspace(ctx, parseInput(SwitchWorkspaceBodySchema, body, 'body').workspaceId);
  }
}
