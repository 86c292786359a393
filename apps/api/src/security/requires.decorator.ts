import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@orchestrator/contracts';

export const PERMISSION_KEY = 'orchestrator:permission';

/** What a route needs (the permission matrix, docs/security.md); `public` for health checks only. */
export type RouteAccess = Permission | 'public';

/** The permission a route needs. A route without one is refused by PermissionGuard. */
export const Requires = (access: RouteAccess) => SetMetadata(PERMISSION_KEY, access);
