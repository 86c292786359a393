import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from '../../common/request-context.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { SessionsService } from '../accounts/sessions.service.js';
import { IdentityRepository, type Identity } from './identity.repository.js';

/**
 * Resolves who is acting on a request or socket handshake (docs/security.md). Local mode: the
 * default workspace's owner, always. Authenticated mode: the session cookie's person in their
 * session's workspace, or nobody — then only public routes answer.
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  private owner?: Identity;

  constructor(
    private readonly repository: IdentityRepository,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.owner = await this.repository.findDefaultOwner();
    if (!this.owner) throw new Error('The default workspace and owner are missing: supabase/seed.sql did not run.');
  }

  async resolveRequest(req: Request, res: Response): Promise<RequestContext | undefined> {
    if (this.config.env.AUTH_MODE === 'local') return this.ownerContext();
    const session = await this.sessions.resolve(req, res);
    return session && { ...session };
  }

  async resolveHandshake(headers: IncomingHttpHeaders): Promise<RequestContext | undefined> {
    if (this.config.env.AUTH_MODE === 'local') return this.ownerContext();
    const session = await this.sessions.resolveHandshake(headers.cookie);
    return session && { ...session };
  }

  names(ctx: RequestContext): Promise<{ displayName: string; workspaceName: string }> {
    return this.repository.names(ctx.userId, ctx.workspaceId);
  }

  defaultIdentity(): Identity {
    if (!this.owner) throw new Error('IdentityService used before initialisation');
    return this.owner;
  }

  private ownerContext(): RequestContext {
    const { workspaceId, userId, role } = this.defaultIdentity();
    return { workspaceId, userId, role };
  }
}
