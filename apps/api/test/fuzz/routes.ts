import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants.js';

export interface MappedRoute {
  method: string;
  /** Express path with `:param` placeholders, e.g. `/api/projects/:id/approve`. */
  path: string;
  params: string[];
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the HTTP router serves, read from the router itself so a new route is fuzzed too. */
export function mappedRoutes(app: INestApplication): MappedRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const routes: MappedRoute[] = [];
  for (const layer of express.router.stack) {
    // Wildcard entries are where Nest mounts middleware (ContextMiddleware), not endpoints.
    if (!layer.route || layer.route.path.includes('*')) continue;
    const { path, methods } = layer.route;
    const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    for (const method of Object.keys(methods).filter((m) => methods[m] && m !== '_all'))
      routes.push({ method: method.toUpperCase(), path, params });
  }
  return routes;
}

/** Every client→server event a gateway subscribes to, read from the gateways' metadata. */
export function socketEvents(app: INestApplication): string[] {
  const events = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type?.prototype || !Reflect.getMetadata(GATEWAY_METADATA, type)) continue;
      for (const key of Object.getOwnPropertyNames(type.prototype)) {
        const method = (type.prototype as Record<string, unknown>)[key];
        if (typeof method === 'function' && Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method))
          events.add(Reflect.getMetadata(MESSAGE_METADATA, method) as string);
      }
    }
  }
  return [...events].sort();
}
