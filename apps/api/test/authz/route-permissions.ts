import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { PERMISSION_KEY, type RouteAccess } from '../../src/security/requires.decorator.js';

export interface RoutePermission {
  method: string;
  /** Express form, as `mappedRoutes` reads it from the router: `/api/projects/:id/approve`. */
  path: string;
  access: RouteAccess | undefined;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every controller method Nest maps, with the permission its `@Requires` names (if any). */
export function routePermissions(app: INestApplication): RoutePermission[] {
  const routes: RoutePermission[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type?.prototype) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, type) as string | undefined) ?? '';
      for (const key of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[key];
        if (typeof handler !== 'function' || key === 'constructor') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        routes.push({
          method: RequestMethod[method],
          path: join(base, path),
          access: Reflect.getMetadata(PERMISSION_KEY, handler) as RouteAccess | undefined,
        });
      }
    }
  }
  return routes;
}
