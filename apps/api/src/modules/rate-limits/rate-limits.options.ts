import type { AppConfig } from '../../config/env.js';

export const RATE_LIMITS = Symbol('RATE_LIMITS');

export interface RateLimits {
  /** The window every limit counts over. */
  ttlMs: number;
  /** Requests per caller per window, any route. */
  limit: number;
  /** Chat messages (and other `chat` routes) per caller per window: they spend LLM tokens. */
  chatLimit: number;
  store: 'memory' | 'postgres';
}

export const rateLimitsFrom = ({ env }: AppConfig): RateLimits => ({
  ttlMs: 60_000,
  limit: env.RATE_LIMIT_PER_MINUTE,
  chatLimit: env.CHAT_RATE_LIMIT_PER_MINUTE,
  store: env.RATE_LIMIT_STORE,
});
