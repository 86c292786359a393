import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import { AppError } from '../../common/app-error.js';
import type { RequestContext, RequestWithContext } from '../../common/request-context.js';

/** Who a limit counts: a token, else a person, else (before anyone is known) the address. */
export function callerKey(ctx: RequestContext | undefined, ip: string | undefined): string {
  const tokenId = (ctx as { tokenId?: string } | undefined)?.tokenId;
  if (tokenId) return `token:${tokenId}`;
  if (ctx) return `user:${ctx.userId}`;
  return `ip:${ip ?? 'unknown'}`;
}

/**
 * `@nestjs/throttler` counting per caller across routes (its default counts per route), and
 * answering 429 `request/rate_limited` with a plain `Retry-After` in seconds.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  /** Socket events are counted by the gateway (ChatRateLimit), which has no HTTP response. */
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(context.getType() !== 'http');
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const { ctx, ip } = req as unknown as RequestWithContext;
    return Promise.resolve(callerKey(ctx, ip));
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const error = rateLimited(detail.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(error.details.retryAfterSeconds));
    throw error;
  }
}

/** 429 `request/rate_limited`, saying when to try again (HTTP also sends it as `Retry-After`). */
export function rateLimited(seconds: number): AppError & { details: { retryAfterSeconds: number } } {
  const retryAfterSeconds = Math.max(1, Math.ceil(seconds));
  return new AppError('request/rate_limited', `Too many requests; try again in ${retryAfterSeconds} s.`, undefined, {
    retryAfterSeconds,
  }) as AppError & { details: { retryAfterSeconds: number } };
}
