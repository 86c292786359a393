import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken, type ThrottlerStorage } from '@nestjs/throttler';
import { rateLimited } from '../rate-limits/caller-throttler.guard.js';

const WINDOW_MS = 15 * 60_000;
/** Per address: a few people behind one address mistyping. Per account: far below any guessing. */
const PER_ADDRESS = 30;
const PER_ACCOUNT = 10;

/**
 * Brute-force protection for sign-in and the other password forms: attempts are counted per
 * address and per account, on the rate limiter's storage (shared by processes when it is
 * Postgres); past either limit 429 `request/rate_limited` until the window ends.
 */
@Injectable()
export class LoginLimit {
  constructor(@Inject(getStorageToken()) private readonly storage: ThrottlerStorage) {}

  async take(ip: string | undefined, account: string): Promise<void> {
    for (const [key, limit] of [
      [`login:ip:${ip ?? 'unknown'}`, PER_ADDRESS],
      [`login:account:${account}`, PER_ACCOUNT],
    ] as const) {
      const { isBlocked, timeToBlockExpire } = await this.storage.increment(key, WINDOW_MS, limit, WINDOW_MS, 'login');
      if (isBlocked) throw rateLimited(timeToBlockExpire);
    }
  }
}
