import { Inject, Injectable } from '@nestjs/common';
import type { Member, PasswordResetLinkSchema, Role, WorkspaceMembership } from '@orchestrator/contracts';
import { acrossWorkspaces, withTransaction, type Pool } from '@orchestrator/db';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { AccountsRepository } from './accounts.repository.js';
import { appUrl } from './links.js';
import { MembersRepository } from './members.repository.js';
import { newSecret, secretHash } from './secrets.js';

const RESET_TTL_MS = 24 * 3_600_000;

/** Members of the caller's workspace and their roles; workspaces a person creates or renames. */
@Injectable()
export class MembersService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly members: MembersRepository,
    private readonly accounts: AccountsRepository,
    private readonly audit: AuditRepository,
    private readonly publisher: RealtimePublisher,
  ) {}

  list(ctx: RequestContext): Promise<Member[]> {
    return this.members.list(ctx.workspaceId);
  }

  async changeRole(ctx: RequestContext, userId: string, role: Role): Promise<Member> {
    // Given a role, the change is the member as they are now.
    const changed = (await this.change(ctx, userId, role)) as Member;
    // Their open sockets carry the old role: they reconnect with the new one.
    await this.publisher.disconnect((c) => c.userId === userId && c.workspaceId === ctx.workspaceId);
    return changed;
  }

  async remove(ctx: RequestContext, userId: string): Promise<void> {
    await this.change(ctx, userId, null);
    await this.publisher.disconnect((c) => c.userId === userId && c.workspaceId === ctx.workspaceId);
  }

  /** A one-time link for a member to choose a new password (an admin hands it over). */
  async resetLink(ctx: RequestContext, req: Request, userId: string): Promise<z.infer<typeof PasswordResetLinkSchema>> {
    if (!(await this.members.role(userId, ctx.workspaceId)))
      throw new AppError('member/not_found', 'That person is not a member of this workspace.');
    const token = newSecret();
    const expiresAt = await withTransaction(this.pool, async (db) => {
      const expires = await this.accounts.createReset(db, userId, secretHash(token), ctx.userId, RESET_TTL_MS);
      await this.audit.append(db, [
        personEntry(ctx, 'member.password_reset', { targetType: 'user', targetId: userId }),
      ]);
      return expires;
    });
    return {
      resetUrl: appUrl(this.config.env.PUBLIC_URL, req, `reset-password?token=${token}`),
      expiresAt: expiresAt.toISOString(),
    };
  }

  async createWorkspace(ctx: RequestContext, name: string): Promise<WorkspaceMembership> {
    const slug = `${
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40) || 'workspace'
    }-${randomBytes(3).toString('hex')}`;
    // A workspace that does not exist yet is outside the one the caller acts in.
    return acrossWorkspaces('create a workspace', () =>
      withTransaction(this.pool, async (db) => {
        const created = await this.members.createWorkspace(db, ctx.userId, name, slug);
        await this.audit.append(db, [
          {
            workspaceId: created.id,
            actorType: 'user',
            actor: ctx.userId,
            action: 'workspace.create',
            mode: 'manual',
            result: 'success',
            details: { name },
          },
        ]);
        return created;
      }),
    );
  }

  async renameWorkspace(ctx: RequestContext, name: string): Promise<WorkspaceMembership> {
    const renamed = await withTransaction(this.pool, async (db) => {
      await this.audit.append(db, [
        {
          workspaceId: ctx.workspaceId,
          actorType: 'user',
          actor: ctx.userId,
          action: 'workspace.rename',
          mode: 'manual',
          result: 'success',
          details: { name },
        },
      ]);
      return this.members.renameWorkspace(db, ctx.workspaceId, name);
    });
    return { ...renamed, role: ctx.role };
  }

  private async change(ctx: RequestContext, userId: string, role: Role | null): Promise<Member | 'removed'> {
    const result = await withTransaction(this.pool, async (db) => {
      const changed = await this.members.change(db, ctx.workspaceId, userId, role);
      if (changed !== 'not_found' && changed !== 'last_admin')
        await this.audit.append(db, [
          {
            workspaceId: ctx.workspaceId,
            actorType: 'user',
            actor: ctx.userId,
            action: role ? 'member.role_change' : 'member.remove',
            targetType: 'user',
            targetId: userId,
            mode: 'manual',
            result: 'success',
            details: role ? { role } : {},
          },
        ]);
      return changed;
    });
    if (result === 'not_found')
      throw new AppError('member/not_found', 'That person is not a member of this workspace.');
    if (result === 'last_admin')
      throw new AppError('member/last_admin', 'A workspace keeps at least one admin: make someone else admin first.');
    return result;
  }
}
