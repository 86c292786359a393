import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from '@orchestrator/db';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { PG_POOL } from '../../database/tokens.js';

/**
 * One statement per counted request: a new window starts when the last one ended; going over the
 * limit blocks the key for `blockMs`, and a blocked key stays blocked until then.
 */
const INCREMENT = `
  insert into rate_limit_hits as r (key, hits, window_ends, blocked_until)
  values ($1, 1, now() + make_interval(secs => $2 / 1000.0),
          case when 1 > $3 then now() + make_interval(secs => $4 / 1000.0) end)
  on conflict (key) do update set
    hits = case when r.window_ends <= now() then 1 else r.hits + 1 end,
    window_ends = case when r.window_ends <= now() then excluded.window_ends else r.window_ends end,
    blocked_until = case
      when r.blocked_until > now() then r.blocked_until
      when (case when r.window_ends <= now() then 1 else r.hits + 1 end) > $3
        then now() + make_interval(secs => $4 / 1000.0)
    end
  returning hits,
    ceil(extract(epoch from window_ends - now()))::int as window_s,
    coalesce(blocked_until > now(), false) as blocked,
    coalesce(ceil(extract(epoch from blocked_until - now()))::int, 0) as block_s`;

export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

@Injectable()
export class RateLimitsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async increment(key: string, ttlMs: number, limit: number, blockMs: number): Promise<ThrottlerStorageRecord> {
    const { rows } = await this.pool.query<{ hits: number; window_s: number; blocked: boolean; block_s: number }>(
      INCREMENT,
      [key, ttlMs, limit, blockMs],
    );
    const r = rows[0]!;
    return { totalHits: r.hits, timeToExpire: r.window_s, isBlocked: r.blocked, timeToBlockExpire: r.block_s };
  }

  /** Forgets counters whose window and block have both ended. */
  async sweep(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `delete from rate_limit_hits where window_ends < now() and (blocked_until is null or blocked_until < now())`,
    );
    return rowCount ?? 0;
  }
}
