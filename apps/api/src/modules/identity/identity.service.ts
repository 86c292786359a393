import { acrossWorkspaces } from '@orchestrator/db';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { lowerRole } from '@orchestrator/contracts';
import type { Request, Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { SessionsService } from '../accounts/sessions.service.js';
import { SupabaseAuthService } from '../accounts/supabase-auth.service.js';
import { bearerCredential, parseApiToken, secretMatches } from './api-token.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { IdentityRepository, type Identity, type IdentityNames } from './identity.repository.js';

/** Who is calling (with a token: until when a socket it opens may stay open). */
export type Caller = RequestContext;

/** What a socket.io client sends at its handshake. */
export interface Handshake {
  headers: IncomingHttpHeaders;
  auth: Record<string, unknown>;
}

/**
 * One answer for every refused credential, so a caller learns nothing about which part was
 * wrong (unknown prefix, wrong secret, revoked, expired, no longer a member, malformed; for a
 * Supabase token also a bad signature, issuer, audience or algorithm, or no account to map to).
 */
const unauthenticated = () =>
  new AppError('auth/unauthenticated', 'Not authenticated: the bearer token is invalid, expired or revoked.');

/** Names the workspace a Supabase token acts in (docs/api.md); other credentials carry theirs. */
const WORKSPACE_HEADER = 'x-workspace-id';

/**
 * Resolves who is acting on a request or socket handshake (docs/security.md). A personal API
 * token acts as its user in its workspace, with the lower of its ceiling and their role; any
 * other Bearer credential is tried as a Supabase access token when they are configured, acting
 * as the linked member in the workspace asked for (or their first); else it is refused. Without
 * one: in local mode the default workspace's owner, always; in authenticated mode the session
 * cookie's person in their session's workspace, or nobody — then only the public routes answer.
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  private owner?: Identity;

  constructor(
    private readonly repository: IdentityRepository,
    private readonly tokens: ApiTokensRepository,
    private readonly sessions: SessionsService,
    private readonly supabase: SupabaseAuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.owner = await acrossWorkspaces('find the default owner', () => this.repository.findDefaultOwner());
    if (!this.owner) throw new Error('The default workspace and owner are missing: supabase/seed.sql did not run.');
  }

  /** An HTTP request: `Authorization: Bearer <token>`, else the owner or the session cookie. */
  async resolveRequest(req: Request, res: Response): Promise<Caller | undefined> {
    const { authorization, [WORKSPACE_HEADER]: workspace } = req.headers;
    if (authorization !== undefined) return this.fromBearer(authorization, workspace);
    if (this.config.env.AUTH_MODE === 'local') return this.ownerContext();
    return this.sessions.resolve(req, res);
  }

  /**
   * A socket handshake: the token in `auth.token` and the workspace in `auth.workspaceId` (what
   * browsers can send), else as over HTTP.
   */
  async resolveHandshake({ headers, auth }: Handshake): Promise<Caller | undefined> {
    const workspace = auth.workspaceId ?? headers[WORKSPACE_HEADER];
    if (auth.token !== undefined) {
      if (typeof auth.token !== 'string') throw unauthenticated();
      return this.authenticate(auth.token, workspace);
    }
    if (headers.authorization !== undefined) return this.fromBearer(headers.authorization, workspace);
    if (this.config.env.AUTH_MODE === 'local') return this.ownerContext();
    return this.sessions.resolveHandshake(headers.cookie);
  }

  /** The workspace's and user's names for a context (no query for the local owner). */
  async describe(ctx: RequestContext): Promise<IdentityNames> {
    const owner = this.defaultIdentity();
    if (ctx.workspaceId === owner.workspaceId && ctx.userId === owner.userId) return owner;
    const names = await this.repository.findNames(ctx.workspaceId, ctx.userId);
    if (!names) throw unauthenticated();
    return names;
  }

  defaultIdentity(): Identity {
    if (!this.owner) throw new Error('IdentityService used before initialisation');
    return this.owner;
  }

  private ownerContext(): Caller {
    const { workspaceId, userId, role } = this.defaultIdentity();
    return { workspaceId, userId, role };
  }

  private fromBearer(authorization: string, workspace: unknown): Promise<Caller> {
    const token = bearerCredential(authorization);
    if (token === undefined) throw unauthenticated();
    return this.authenticate(token, workspace);
  }

  /** `workspace`: the one a Supabase token asks to act in (a header or handshake value, unchecked). */
  private async authenticate(token: string, workspace: unknown): Promise<Caller> {
    if (!token.startsWith('orch_')) {
      if (workspace !== undefined && typeof workspace !== 'string') throw unauthenticated();
      const caller = await this.supabase.resolve(token, workspace);
      if (!caller) throw unauthenticated();
      return caller;
    }
    const parts = parseApiToken(token);
    if (!parts) throw unauthenticated();
    const found = await this.tokens.findActive(parts.prefix);
    if (!secretMatches(parts.secret, found?.secretHash) || !found) throw unauthenticated();
    if (found.useIsStale) await this.tokens.markUsed(found.id);
    return {
      workspaceId: found.workspaceId,
      userId: found.userId,
      role: lowerRole(found.ceiling, found.memberRole),
      tokenId: found.id,
      tokenExpiresAt: found.expiresAt,
    };
  }
}
