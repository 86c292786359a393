import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken, type ThrottlerStorage } from '@nestjs/throttler';
import { rateLimited } from '../rate-limits/caller-throttler.guard.js';

const WINDOW_MS = 15 * 60_000;
/** Per address: an office behind one address signing in. Per account: far below any guessing. */
const PER_ADDRESS = 100;
const PER_ACCOUNT = 10;

/**
 * Brute-force protection for sign-in and the other password forms: attempts are counted per
 * address and per account, on the rate limiter's storage (shared by processes when it is
 * Postgres); past either limit 429 `request/rate_limited` until the window ends.
 */
@Injectable()
export class LoginLimit {
  constructor(@Inject(getStorageToken()) private readonly storage: ThrottlerStorage) {}

  /**
   * Counts one attempt from `ip`, and against `account` when the form names one (sign-in, a
   * password change); a link's 256-bit token needs no per-account count, and a shared one would
   * throttle everyone using such links at once.
   */
  async take(ip: string | undefined, account?: string): Promise<void> {
    const keys: Array<[string, number]> = [[`login:ip:${ip ?? 'unknown'}`, PER_ADDRESS]];
    if (account !== undefined) keys.push([`login:account:${account}`, PER_ACCOUNT]);
    for (const [key, limit] of keys) {
      const { isBlocked, timeToBlockExpire } = await this.storage.increment(key, WINDOW_MS, limit, WINDOW_MS, 'login');
      if (isBlocked) throw rateLimited(timeToBlockExpire);
    }
  }
}
