import { Inject, Injectable } from '@nestjs/common';
import type { AuthMode, ChangePasswordBody, SessionInfo } from '@orchestrator/contracts';
import { ResetPasswordBodySchema, SetupBodySchema, type LoginBodySchema } from '@orchestrator/contracts';
import { acrossWorkspaces, inWorkspace, withTransaction, type Pool } from '@orchestrator/db';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { AccountsRepository } from './accounts.repository.js';
import { requireAuthenticatedMode } from './auth-mode.js';
import { LoginLimit } from './login-limit.js';
import { MembersRepository } from './members.repository.js';
import { hashPassword, secretHash, verifyPassword } from './secrets.js';
import { clearSessionCookie, SessionsService } from './sessions.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SETUP_TOKEN } from './accounts.tokens.js';
import type { SetupToken } from './setup-token.js';

const WRONG_CREDENTIALS = 'The email or the password is wrong.';

/** Sign-in, first-run setup, sign-out, passwords and the workspace a session acts in. */
@Injectable()
export class AuthService {
  private readonly mode: AuthMode;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SETUP_TOKEN) private readonly setupToken: SetupToken | undefined,
    private readonly accounts: AccountsRepository,
    private readonly members: MembersRepository,
    private readonly sessions: SessionsService,
    private readonly sessionRows: SessionsRepository,
    private readonly audit: AuditRepository,
    private readonly loginLimit: LoginLimit,
    private readonly publisher: RealtimePublisher,
  ) {
    this.mode = config.env.AUTH_MODE;
  }

  /** Who is signed in, where, and whether the instance still waits for its setup. */
  async session(who: { userId: string; workspaceId?: string } | undefined): Promise<SessionInfo> {
    const setupRequired = this.mode === 'authenticated' && (await this.accounts.setupRequired());
    const user = who ? ((await this.accounts.user(who.userId)) ?? null) : null;
    const workspaces = user ? await this.members.workspacesOf(user.id) : [];
    return {
      mode: this.mode,
      setupRequired,
      user,
      workspace: workspaces.find((w) => w.id === who?.workspaceId) ?? null,
      workspaces,
    };
  }

  async setUp(req: Request, res: Response, body: z.output<typeof SetupBodySchema>): Promise<SessionInfo> {
    requireAuthenticatedMode(this.config, 'Signing in');
    await this.loginLimit.take(req.ip);
    if (!this.setupToken?.matches(body.setupToken))
      throw new AppError(
        'auth/setup_token_invalid',
        'This setup link is not valid: use the one the server printed at start-up.',
      );
    const hash = await hashPassword(body.password);
    // Before anyone is signed in: the default workspace's owner is found among every workspace's.
    const opened = await acrossWorkspaces('first-run setup', () =>
      withTransaction(this.pool, async (db) => {
        const owner = await this.accounts.setUp(db, { ...body, hash });
        if (!owner) return undefined;
        await this.audit.append(db, [
          {
            workspaceId: owner.workspaceId,
            actorType: 'user',
            actor: owner.userId,
            action: 'instance.setup',
            mode: 'manual',
            result: 'success',
          },
        ]);
        await this.sessions.open(db, req, res, owner.userId, owner.workspaceId);
        return owner;
      }),
    );
    if (!opened) throw new AppError('auth/already_set_up', 'This instance is set up already: sign in instead.');
    return this.session(opened);
  }

  async login(req: Request, res: Response, body: z.output<typeof LoginBodySchema>): Promise<SessionInfo> {
    requireAuthenticatedMode(this.config, 'Signing in');
    await this.loginLimit.take(req.ip, body.email);
    const account = await this.accounts.credentials(body.email);
    if (!(await verifyPassword(account?.hash, body.password)))
      throw new AppError('auth/invalid_credentials', WRONG_CREDENTIALS);
    const { userId } = account!;
    const workspace = (await this.members.workspacesOf(userId))[0];
    if (workspace)
      await inWorkspace(workspace.id, () =>
        withTransaction(this.pool, async (db) => {
          await this.sessions.open(db, req, res, userId, workspace.id);
          await this.audit.append(db, [personEntry({ workspaceId: workspace.id, userId }, 'session.sign_in')]);
        }),
      );
    // A person without a workspace has no audit log to be recorded in (the request log has the sign-in).
    else await this.sessions.open(this.pool, req, res, userId, null);
    return this.session({ userId, workspaceId: workspace?.id });
  }

  async logout(req: Request, res: Response, ctx: RequestContext): Promise<void> {
    const { sessionId } = ctx;
    if (sessionId) {
      await withTransaction(this.pool, async (db) => {
        await this.sessionRows.revoke(sessionId, db);
        await this.audit.append(db, [personEntry(ctx, 'session.sign_out')]);
      });
      await this.publisher.disconnect((c) => c.sessionId === sessionId);
    }
    clearSessionCookie(req, res);
  }

  /** Changes one's own password; every other session of theirs ends. */
  async changePassword(req: Request, ctx: RequestContext, body: ChangePasswordBody): Promise<void> {
    requireAuthenticatedMode(this.config, 'Signing in');
    await this.loginLimit.take(req.ip, ctx.userId);
    if (!(await verifyPassword(await this.accounts.passwordHash(ctx.userId), body.currentPassword)))
      throw new AppError('auth/invalid_credentials', 'The current password is wrong.');
    const hash = await hashPassword(body.newPassword);
    const ended = await withTransaction(this.pool, async (db) => {
      await this.accounts.setPassword(db, ctx.userId, hash);
      await this.audit.append(db, [personEntry(ctx, 'password.change')]);
      return this.sessionRows.revokeForUser(db, ctx.userId, ctx.sessionId);
    });
    await this.publisher.disconnect((c) => c.sessionId !== undefined && ended.includes(c.sessionId));
  }

  /** A one-time link from an admin: a new password, every session ended, then signed in. */
  async resetPassword(
    req: Request,
    res: Response,
    body: z.output<typeof ResetPasswordBodySchema>,
  ): Promise<SessionInfo> {
    requireAuthenticatedMode(this.config, 'Signing in');
    await this.loginLimit.take(req.ip);
    const hash = await hashPassword(body.newPassword);
    // The link names a person, not a workspace: the one their entry goes to is known only once it is used.
    const done = await acrossWorkspaces('use a password reset link', () =>
      withTransaction(this.pool, async (db) => {
        const userId = await this.accounts.useReset(db, secretHash(body.token));
        if (!userId) return undefined;
        await this.accounts.setPassword(db, userId, hash);
        const ended = await this.sessionRows.revokeForUser(db, userId);
        const workspace = (await this.members.workspacesOf(userId))[0];
        await this.sessions.open(db, req, res, userId, workspace?.id ?? null);
        // Where the new session acts; a person without a workspace has no audit log to be recorded in.
        if (workspace)
          await this.audit.append(db, [personEntry({ workspaceId: workspace.id, userId }, 'password.reset')]);
        return { userId, ended, workspace };
      }),
    );
    if (!done)
      throw new AppError('auth/reset_invalid', 'This reset link is not valid any more: ask an admin for a new one.');
    await this.publisher.disconnect((c) => c.sessionId !== undefined && done.ended.includes(c.sessionId));
    return this.session({ userId: done.userId, workspaceId: done.workspace?.id });
  }

  /** The workspace this session acts in from now on. */
  async switchWorkspace(ctx: RequestContext, workspaceId: string): Promise<SessionInfo> {
    requireAuthenticatedMode(this.config, 'Signing in');
    const role = await this.members.role(ctx.userId, workspaceId);
    const { sessionId } = ctx;
    if (!role || !sessionId) throw new AppError('workspace/not_found', 'You are not a member of that workspace.');
    // Recorded in the workspace the person arrives in: its admins see who acts there.
    await inWorkspace(workspaceId, () =>
      withTransaction(this.pool, async (db) => {
        await this.sessionRows.setWorkspace(sessionId, workspaceId, db);
        await this.audit.append(db, [personEntry({ workspaceId, userId: ctx.userId }, 'session.switch_workspace')]);
      }),
    );
    return this.session({ userId: ctx.userId, workspaceId });
  }
}
