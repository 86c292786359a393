import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PERMISSIONS, roleAllows } from '@orchestrator/contracts';
import { AppError } from '../common/app-error.js';
import type { RequestWithContext } from '../common/request-context.js';
import { PERMISSION_KEY, type RouteAccess } from './requires.decorator.js';

/**
 * The one place HTTP routes are authorised: each names its permission with `@Requires`, and the
 * caller's role must reach the least role the matrix gives it (docs/security.md). A route that
 * names none is refused, so a new route is closed until someone decides who may call it. Socket
 * events are checked by the gateway against the same matrix.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const access = this.reflector.get<RouteAccess | undefined>(PERMISSION_KEY, context.getHandler());
    if (access === 'public') return true;
    if (access === undefined) throw new AppError('auth/forbidden', 'Nobody may call this route: it has no permission.');
    const ctx = context.switchToHttp().getRequest<RequestWithContext>().ctx;
    if (!ctx) throw new AppError('auth/unauthenticated', 'Sign in to do this.');
    if (roleAllows(ctx.role, access)) return true;
    throw new AppError('auth/forbidden', forbiddenMessage(ctx.role, access));
  }
}

export function forbiddenMessage(role: string, permission: keyof typeof PERMISSIONS): string {
  return `Your role (${role}) cannot do this; it needs ${PERMISSIONS[permission]} or above.`;
}
