import { Inject, Injectable } from '@nestjs/common';
import type {
  AcceptInvitationBodySchema,
  CreatedInvitation,
  CreateInvitationBodySchema,
  Invitation,
  InvitationPreview,
  SessionInfo,
} from '@orchestrator/contracts';
import { acrossWorkspaces, withTransaction, type Pool } from '@orchestrator/db';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AccountsRepository } from './accounts.repository.js';
import { requireAuthenticatedMode } from './auth-mode.js';
import { AuthService } from './auth.service.js';
import { InvitationsRepository } from './invitations.repository.js';
import { appUrl } from './links.js';
import { LoginLimit } from './login-limit.js';
import { MembersRepository } from './members.repository.js';
import { hashPassword, newSecret, secretHash } from './secrets.js';
import { SessionsService } from './sessions.service.js';

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;
const NOT_FOUND = 'This invitation is not valid any more: it was used, withdrawn or has expired. Ask for a new one.';

/** Invitations to the caller's workspace, and their acceptance by the invitee. */
@Injectable()
export class InvitationsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly invitations: InvitationsRepository,
    private readonly accounts: AccountsRepository,
    private readonly members: MembersRepository,
    private readonly sessions: SessionsService,
    private readonly auth: AuthService,
    private readonly audit: AuditRepository,
    private readonly loginLimit: LoginLimit,
  ) {}

  list(ctx: RequestContext): Promise<Invitation[]> {
    return this.invitations.listOpen(ctx.workspaceId);
  }

  async create(
    ctx: RequestContext,
    req: Request,
    body: z.output<typeof CreateInvitationBodySchema>,
  ): Promise<CreatedInvitation> {
    requireAuthenticatedMode(this.config, 'An invitation');
    const token = newSecret();
    const invitation = await withTransaction(this.pool, async (db) => {
      const created = await this.invitations.create(db, {
        workspaceId: ctx.workspaceId,
        email: body.email,
        role: body.role,
        tokenHash: secretHash(token),
        invitedBy: ctx.userId,
        ttlMs: INVITATION_TTL_MS,
      });
      await this.audit.append(db, [
        {
          workspaceId: ctx.workspaceId,
          actorType: 'user',
          actor: ctx.userId,
          action: 'invitation.create',
          targetType: 'invitation',
          targetId: created.id,
          mode: 'manual',
          result: 'success',
          details: { email: body.email, role: body.role },
        },
      ]);
      return created;
    });
    return { ...invitation, acceptUrl: appUrl(this.config.env.PUBLIC_URL, req, `invite?token=${token}`) };
  }

  async revoke(ctx: RequestContext, id: string): Promise<void> {
    const revoked = await withTransaction(this.pool, async (db) => {
      if (!(await this.invitations.revoke(db, ctx.workspaceId, id))) return false;
      await this.audit.append(db, [
        {
          workspaceId: ctx.workspaceId,
          actorType: 'user',
          actor: ctx.userId,
          action: 'invitation.revoke',
          targetType: 'invitation',
          targetId: id,
          mode: 'manual',
          result: 'success',
        },
      ]);
      return true;
    });
    if (!revoked) throw new AppError('invitation/not_found', 'No open invitation has that id.');
  }

  async preview(req: Request, token: string): Promise<InvitationPreview> {
    await this.loginLimit.take(req.ip);
    // The link names the workspace: the invitation is looked for in every one.
    const invitation = await acrossWorkspaces('find an invitation by its link', () =>
      this.invitations.findOpen(this.pool, secretHash(token)),
    );
    if (!invitation) throw new AppError('invitation/not_found', NOT_FOUND);
    return {
      workspaceName: invitation.workspaceName,
      email: invitation.email,
      role: invitation.role,
      invitedBy: invitation.invitedBy,
      existingAccount: (await this.accounts.credentials(invitation.email))?.hash !== undefined,
    };
  }

  /**
   * Joins the invitation's workspace. A new account chooses its name and password here; an
   * existing one must be signed in as the invited email. The session then acts in that workspace.
   */
  async accept(
    req: Request,
    res: Response,
    ctx: RequestContext | undefined,
    body: z.output<typeof AcceptInvitationBodySchema>,
  ): Promise<SessionInfo> {
    requireAuthenticatedMode(this.config, 'An invitation');
    await this.loginLimit.take(req.ip);
    const hash = body.password ? await hashPassword(body.password) : undefined;
    const joined = await acrossWorkspaces('accept an invitation', () =>
      withTransaction(this.pool, async (db) => {
        const invitation = await this.invitations.findOpen(db, secretHash(body.token), true);
        if (!invitation) throw new AppError('invitation/not_found', NOT_FOUND);
        const account = await this.accounts.credentials(invitation.email);
        let userId: string;
        if (account?.hash !== undefined) {
          const signedInAs = ctx && (await this.accounts.user(ctx.userId));
          if (signedInAs?.email !== invitation.email)
            throw new AppError('auth/unauthenticated', `Sign in as ${invitation.email} to accept this invitation.`);
          userId = account.userId;
        } else {
          if (!hash || !body.displayName)
            throw new AppError('request/invalid', 'Choose your name and a password to create your account.', [
              { path: body.displayName ? 'password' : 'displayName', message: 'required for a new account' },
            ]);
          userId = account?.userId ?? (await this.accounts.createUser(db, invitation.email, body.displayName));
          await this.accounts.setPassword(db, userId, hash);
        }
        await this.members.add(db, invitation.workspaceId, userId, invitation.role);
        await this.invitations.markAccepted(db, invitation.id, userId);
        await this.audit.append(db, [
          {
            workspaceId: invitation.workspaceId,
            actorType: 'user',
            actor: userId,
            action: 'invitation.accept',
            targetType: 'invitation',
            targetId: invitation.id,
            mode: 'manual',
            result: 'success',
            details: { role: invitation.role },
          },
        ]);
        if (!ctx?.sessionId) await this.sessions.open(db, req, res, userId, invitation.workspaceId);
        return { userId, workspaceId: invitation.workspaceId };
      }),
    );
    if (ctx?.sessionId) return this.auth.switchWorkspace({ ...ctx, userId: joined.userId }, joined.workspaceId);
    return this.auth.session(joined);
  }
}
