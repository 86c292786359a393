import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import { isUuid } from '../../common/cursor.js';
import type { RequestContext } from '../../common/request-context.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { AccountsRepository } from './accounts.repository.js';
import { MembersRepository } from './members.repository.js';
import { supabaseJwtVerifier, type SupabaseJwtVerifier } from './supabase-jwt.js';

/**
 * Supabase Auth access tokens as Bearer credentials (docs/security.md#supabase-auth). A token
 * signs in the account linked to its `sub`; the first time, the account of its verified email,
 * which is then linked. It never creates an account or a membership: people join workspaces
 * through invitations.
 */
@Injectable()
export class SupabaseAuthService {
  private readonly logger = new Logger('SupabaseAuth');
  private readonly verify?: SupabaseJwtVerifier;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly members: MembersRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (config.supabaseAuth) this.verify = supabaseJwtVerifier(config.supabaseAuth);
  }

  /**
   * Who a token signs in, acting in `workspaceId` when they are a member of it, else in their
   * first workspace; undefined for any refusal of the token, whatever its reason, and when tokens
   * are not configured. When the signing keys cannot be fetched the token is neither good nor bad:
   * 503 `auth/keys_unavailable`, so clients retry instead of signing their user out.
   * A socket opened with the token closes when it expires (`tokenExpiresAt`).
   */
  async resolve(token: string, workspaceId: string | undefined): Promise<RequestContext | undefined> {
    if (!this.verify || (workspaceId !== undefined && !isUuid(workspaceId))) return undefined;
    const result = await this.verify(token);
    if ('refused' in result) {
      if (result.refused === 'token') return undefined;
      this.logger.warn({ err: result.cause }, 'Supabase signing keys unavailable');
      throw new AppError(
        'auth/keys_unavailable',
        'Sign-in tokens cannot be checked right now (the identity provider is unreachable). Try again in a moment.',
      );
    }
    const { subject, verifiedEmail, expiresAt } = result.claims;
    const userId =
      (await this.accounts.bySubject(subject)) ?? (verifiedEmail && (await this.link(verifiedEmail, subject)));
    if (!userId) return undefined;
    const membership = workspaceId
      ? { id: workspaceId, role: await this.members.role(userId, workspaceId) }
      : (await this.members.workspacesOf(userId))[0];
    if (!membership?.role) return undefined;
    return { workspaceId: membership.id, userId, role: membership.role, tokenExpiresAt: expiresAt };
  }

  private async link(email: string, subject: string): Promise<string | undefined> {
    const userId = await this.accounts.linkSubject(email, subject);
    if (userId) this.logger.log({ userId, subject }, 'account linked to its Supabase user');
    return userId;
  }
}
