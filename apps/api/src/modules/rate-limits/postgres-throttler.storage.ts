import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { RATE_LIMITS, type RateLimits } from './rate-limits.options.js';
import { RateLimitsRepository, type ThrottlerStorageRecord } from './rate-limits.repository.js';

const SWEEP_INTERVAL_MS = 5 * 60_000;

/** Counters in Postgres, so that every API process counts against the same limits. */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: RateLimitsRepository,
    @Inject(RATE_LIMITS) private readonly limits: RateLimits,
  ) {}

  onModuleInit(): void {
    if (this.limits.store !== 'postgres') return;
    this.timer = setInterval(() => void this.repository.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    return this.repository.increment(key, ttl, limit, blockDuration);
  }
}
