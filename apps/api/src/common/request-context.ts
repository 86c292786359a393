import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@orchestrator/contracts';
import type { Request } from 'express';

export type { Role };

/** Who is acting and for which workspace: carried by every request and socket. */
export interface RequestContext {
  workspaceId: string;
  userId: string;
  role: Role;
  /** The session that signed the request in (authenticated mode). */
  sessionId?: string;
  /** The personal API token the caller presented; unset for the local owner. */
  tokenId?: string;
  /**
   * When the Bearer credential presented (an API token or a Supabase access token) expires: a
   * socket it opened closes then, and API tokens it creates expire no later (a leaked credential
   * cannot outlive itself).
   */
  tokenExpiresAt?: Date;
}

export type RequestWithContext = Request & { ctx?: RequestContext };

/** Injects the request's context into a controller method. */
export const Ctx = createParamDecorator((_data: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<RequestWithContext>();
  if (!req.ctx) throw new Error('RequestContext missing: is ContextMiddleware applied to this route?');
  return req.ctx;
});

/** The request's context if someone is signed in: for routes that anyone may call. */
export const OptionalCtx = createParamDecorator(
  (_data: unknown, host: ExecutionContext): RequestContext | undefined =>
    host.switchToHttp().getRequest<RequestWithContext>().ctx,
);
