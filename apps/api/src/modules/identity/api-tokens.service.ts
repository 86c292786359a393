import { Injectable } from '@nestjs/common';
import {
  roleWithin,
  type ApiTokenListQuery,
  type ApiTokenPage,
  type CreateApiTokenBody,
  type CreatedApiToken,
} from '@orchestrator/contracts';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { generateApiToken } from './api-token.js';
import { ApiTokensRepository } from './api-tokens.repository.js';

/** Prefixes are 40 random bits: a clash is rare, two in a row rarer still. */
const PREFIX_ATTEMPTS = 3;

/** The caller's own personal API tokens: list, create (the secret shown once), revoke. */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly repository: ApiTokensRepository,
    private readonly publisher: RealtimePublisher,
  ) {}

  list(ctx: RequestContext, query: ApiTokenListQuery): Promise<ApiTokenPage> {
    return this.repository.list(ctx, query);
  }

  async create(ctx: RequestContext, body: CreateApiTokenBody): Promise<CreatedApiToken> {
    const role = body.role ?? ctx.role;
    if (!roleWithin(role, ctx.role))
      throw new AppError('auth/forbidden', `A token's role may not exceed your own (${ctx.role}).`, [
        { path: 'role', message: `must be ${ctx.role} or lower` },
      ]);
    for (let attempt = 1; attempt <= PREFIX_ATTEMPTS; attempt++) {
      const { token, prefix, secretHash } = generateApiToken();
      const created = await this.repository.create(ctx, {
        name: body.name,
        prefix,
        secretHash,
        role,
        expiresInDays: body.expiresInDays,
        ...(ctx.tokenExpiresAt ? { notAfter: ctx.tokenExpiresAt } : {}),
      });
      if (created) return { ...created, token };
    }
    throw new Error(`No free API token prefix in ${PREFIX_ATTEMPTS} attempts`);
  }

  /** Revokes the token and closes the sockets it opened; a token revoked before is left as it is. */
  async revoke(ctx: RequestContext, id: string): Promise<void> {
    if (!(await this.repository.revoke(ctx, id)))
      throw new AppError('token/not_found', 'You have no API token with this id in this workspace.');
    await this.publisher.disconnectToken(id);
  }
}
