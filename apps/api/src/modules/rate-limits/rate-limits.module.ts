import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { PERMISSION_KEY, type RouteAccess } from '../../security/requires.decorator.js';
import { CallerThrottlerGuard } from './caller-throttler.guard.js';
import { ChatRateLimit } from './chat-rate-limit.js';
import { PostgresThrottlerStorage } from './postgres-throttler.storage.js';
import { RATE_LIMITS, rateLimitsFrom, type RateLimits } from './rate-limits.options.js';
import { RateLimitsRepository } from './rate-limits.repository.js';

const accessOf = (context: ExecutionContext) =>
  Reflect.getMetadata(PERMISSION_KEY, context.getHandler()) as RouteAccess | undefined;

/** Where the counters live; owns the `rate_limit_hits` table. */
@Module({
  providers: [
    RateLimitsRepository,
    PostgresThrottlerStorage,
    { provide: RATE_LIMITS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => rateLimitsFrom(config) },
  ],
  exports: [PostgresThrottlerStorage, RATE_LIMITS],
})
class RateLimitStoreModule {}

/**
 * Rate limits per caller (docs/security.md, "Rate limits"): every route but the health checks
 * counts against RATE_LIMIT_PER_MINUTE, and the `chat` routes — which spend LLM tokens — and socket
 * messages also against CHAT_RATE_LIMIT_PER_MINUTE. Counters live in this process, or in Postgres
 * (RATE_LIMIT_STORE=postgres) when several API processes share the limits.
 */
@Module({})
export class RateLimitsModule {
  static forRoot(): DynamicModule {
    return {
      module: RateLimitsModule,
      // ChatRateLimit is for the gateway; the guard must be registered once.
      global: true,
      imports: [
        RateLimitStoreModule,
        ThrottlerModule.forRootAsync({
          imports: [RateLimitStoreModule],
          inject: [RATE_LIMITS, PostgresThrottlerStorage],
          useFactory: (limits: RateLimits, postgres: PostgresThrottlerStorage): ThrottlerModuleOptions => ({
            throttlers: [
              {
                name: 'default',
                ttl: limits.ttlMs,
                limit: limits.limit,
                skipIf: (context) => accessOf(context) === 'public',
              },
              {
                name: 'chat',
                ttl: limits.ttlMs,
                limit: limits.chatLimit,
                skipIf: (context) => accessOf(context) !== 'chat',
              },
            ],
            ...(limits.store === 'postgres' ? { storage: postgres } : {}),
          }),
        }),
      ],
      providers: [ChatRateLimit, { provide: APP_GUARD, useClass: CallerThrottlerGuard }],
      exports: [ChatRateLimit],
    };
  }
}
