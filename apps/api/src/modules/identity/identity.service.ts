import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { bearerCredential, parseApiToken, secretMatches } from './api-token.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { IdentityRepository, type Identity, type IdentityNames } from './identity.repository.js';
import { lowerRole } from './roles.js';

/** Who is calling, and until when a socket it opens may stay open. */
export interface Caller extends RequestContext {
  tokenExpiresAt?: Date;
}

/** What a socket.io client sends at its handshake. */
export interface Handshake {
  headers: IncomingHttpHeaders;
  auth: Record<string, unknown>;
}

/**
 * One answer for every refused credential, so a caller learns nothing about which part was
 * wrong (unknown prefix, wrong secret, revoked, expired, no longer a member, malformed).
 */
const unauthenticated = () =>
  new AppError('auth/unauthenticated', 'Not authenticated: the API token is invalid, expired or revoked.');

/**
 * Resolves who is acting on a request or socket handshake (docs/security.md): a caller that
 * presents a personal API token acts as the token's user in its workspace, or is refused; a
 * caller that presents nothing is the owner of the default workspace (local trusted mode).
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  private owner?: Identity;

  constructor(
    private readonly repository: IdentityRepository,
    private readonly tokens: ApiTokensRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.owner = await this.repository.findDefaultOwner();
    if (!this.owner) throw new Error('The default workspace and owner are missing: supabase/seed.sql did not run.');
  }

  /** An HTTP request: `Authorization: Bearer <token>`, or no Authorization header at all. */
  async resolve(headers: IncomingHttpHeaders): Promise<Caller> {
    if (headers.authorization === undefined) return this.ownerContext();
    const token = bearerCredential(headers.authorization);
    if (token === undefined) throw unauthenticated();
    return this.authenticate(token);
  }

  /** A socket handshake: the token in `auth.token` (what browsers can send), else as over HTTP. */
  async resolveHandshake({ headers, auth }: Handshake): Promise<Caller> {
    if (auth.token === undefined) return this.resolve(headers);
    if (typeof auth.token !== 'string') throw unauthenticated();
    return this.authenticate(auth.token);
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

  private async authenticate(token: string): Promise<Caller> {
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
