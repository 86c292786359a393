import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken, type ThrottlerStorage } from '@nestjs/throttler';
import type { RequestContext } from '../../common/request-context.js';
import { callerKey, rateLimited } from './caller-throttler.guard.js';
import { RATE_LIMITS, type RateLimits } from './rate-limits.options.js';

/**
 * The chat limit for socket messages, counted on the same key as `POST …/messages`: sending over
 * the socket does not double anyone's allowance.
 */
@Injectable()
export class ChatRateLimit {
  constructor(
    @Inject(getStorageToken()) private readonly storage: ThrottlerStorage,
    @Inject(RATE_LIMITS) private readonly limits: RateLimits,
  ) {}

  /** Counts one message; throws 429 `request/rate_limited` when over the limit. */
  async take(ctx: RequestContext): Promise<void> {
    const { ttlMs, chatLimit } = this.limits;
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(
      `chat:${callerKey(ctx, undefined)}`,
      ttlMs,
      chatLimit,
      ttlMs,
      'chat',
    );
    if (isBlocked) throw rateLimited(timeToBlockExpire);
  }
}
