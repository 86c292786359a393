import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PERMISSIONS, ROLES, type Permission, type Role } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { PermissionGuard } from './permission.guard.js';
import { Requires, type RouteAccess } from './requires.decorator.js';

/** A handler carrying `access` (or nothing), called by someone with `role` (or nobody). */
function call(access: RouteAccess | undefined, role: Role | undefined): boolean | string {
  class Controller {
    handler(): void {}
  }
  if (access)
    Requires(access)(
      Controller.prototype,
      'handler',
      Object.getOwnPropertyDescriptor(Controller.prototype, 'handler')!,
    );
  const request = role ? { ctx: { workspaceId: 'w', userId: 'u', role } } : {};
  const context = {
    getType: () => 'http',
    getHandler: () => Controller.prototype.handler,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  try {
    return new PermissionGuard(new Reflector()).canActivate(context);
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('PermissionGuard', () => {
  it('should let each role do what its rank reaches, and refuse the rest with auth/forbidden', () => {
    const expected: Record<Role, Permission[]> = {
      viewer: ['read', 'account'],
      member: ['read', 'account', 'chat', 'work'],
      approver: ['read', 'account', 'chat', 'work', 'decide'],
      admin: ['read', 'account', 'chat', 'work', 'decide', 'administer'],
    };
    for (const role of ROLES)
      for (const permission of Object.keys(PERMISSIONS) as Permission[])
        expect(call(permission, role), `${role} ${permission}`).toBe(
          expected[role].includes(permission) ? true : 'auth/forbidden',
        );
  });

  it('should refuse a route that names no permission, even to an admin, and let anyone reach a public one', () => {
    expect(call(undefined, 'admin')).toBe('auth/forbidden');
    expect(call('public', undefined)).toBe(true);
    expect(call('read', undefined)).toBe('auth/unauthenticated');
  });
});
