/**
 * The permission matrix (docs/security.md): every route and socket event names a permission, the
 * docs state each one, and nothing is open by omission.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PERMISSIONS, SOCKET_EVENT_PERMISSIONS } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routePermissions } from './authz/route-permissions.js';
import { mappedRoutes, socketEvents } from './fuzz/routes.js';
import { SHIPPED_AGENTS, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** docs/security.md with table cells unpadded (a formatter may align the columns). */
const securityDoc = async () =>
  (await readFile(path.resolve(SHIPPED_AGENTS, '../docs/security.md'), 'utf8')).replace(/ {2,}/g, ' ');

describe('the permission matrix', () => {
  it('should give every served route exactly one permission, public only for health checks and signing in', () => {
    const named = routePermissions(app.app);
    for (const route of mappedRoutes(app.app)) {
      const matches = named.filter((r) => r.method === route.method && r.path === route.path);
      expect(matches, `${route.method} ${route.path}`).toHaveLength(1);
      const access = matches[0]!.access;
      expect(access, `${route.method} ${route.path} names no permission`).toBeDefined();
      if (access === 'public')
        expect(route.path).toMatch(
          /^\/health\/|^\/api\/auth\/(session|setup|login|password-reset)$|^\/api\/invitations\/accept$/,
        );
      else expect(Object.keys(PERMISSIONS)).toContain(access);
    }
  });

  it('should give every socket event a permission', () => {
    expect(Object.keys(SOCKET_EVENT_PERMISSIONS).sort()).toEqual(socketEvents(app.app));
  });

  it('should state every route and socket event with its permission in docs/security.md', async () => {
    const doc = await securityDoc();
    const missing = [
      ...routePermissions(app.app).map((r) => `| \`${r.method} ${r.path}\` | ${r.access} |`),
      ...Object.entries(SOCKET_EVENT_PERMISSIONS).map(([event, access]) => `| socket \`${event}\` | ${access} |`),
    ].filter((row) => !doc.includes(row));
    expect(missing).toEqual([]);
    for (const [permission, role] of Object.entries(PERMISSIONS)) expect(doc).toContain(`| ${permission} | ${role} |`);
  });
});
