/**
 * The permission matrix, called for real (docs/security.md): every mapped route and socket event
 * as each role, as nobody, and as a member of another workspace, in authenticated mode. Each
 * answer is checked against the matrix: 0 unexpected allows, 0 unexpected denials.
 */
import { randomUUID } from 'node:crypto';
import { ROLES, roleAllows, SOCKET_EVENT_PERMISSIONS, type Role } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TOKEN } from '../src/modules/accounts/accounts.tokens.js';
import type { SetupToken } from '../src/modules/accounts/setup-token.js';
import { routePermissions, type RoutePermission } from './authz/route-permissions.js';
import { startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
/** A session cookie per role in workspace A, and an admin's in workspace B. */
const cookies = new Map<Role | 'other', string>();
let projectId: string;
let conversationId: string;

async function call(cookie: string | undefined, method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { ...(method === 'GET' ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    cookie: res.headers.get('set-cookie')?.split(';')[0],
  };
}

/** The path with its parameters filled: this workspace's project and conversation, random ids otherwise. */
function fill(route: RoutePermission): string {
  return route.path
    .replace(':projectId', projectId)
    .replace(/\/api\/projects\/:id/, `/api/projects/${projectId}`)
    .replace(/\/api\/conversations\/:id/, `/api/conversations/${conversationId}`)
    .replace(/:(id|userId|messageId)/g, randomUUID())
    .replace(':stepKey', 'step_1')
    .replace(':name', 'blog_post_writer')
    .replace(':version', '1')
    .replace(':agent', 'blog_post_writer');
}

/**
 * As `fill`, but a deletion of the shared conversation deletes one of its own instead: the
 * routes called after it still find the conversation, as in the other tests.
 */
async function pathFor(route: RoutePermission): Promise<string> {
  if (route.method !== 'DELETE' || route.path !== '/api/conversations/:id') return fill(route);
  const { body } = await call(cookies.get('admin'), 'POST', '/api/conversations', { title: 'To delete' });
  return `/api/conversations/${body.id}`;
}

/** Calls that would end the caller's own session, or that only make sense before setup. */
const SKIPPED = new Set(['POST /api/auth/logout', 'POST /api/auth/setup']);

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { AUTH_MODE: 'authenticated' });
  const token = app.app.get<SetupToken>(SETUP_TOKEN, { strict: false }).value;
  const setup = await call(undefined, 'POST', '/api/auth/setup', {
    setupToken: token,
    email: 'admin@example.com',
    displayName: 'Ada Admin',
    password: 'a long admin password',
  });
  cookies.set('admin', setup.cookie!);
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    const invited = await call(cookies.get('admin'), 'POST', '/api/invitations', {
      email: `${role}@example.com`,
      role,
    });
    const inviteToken = new URL(invited.body.acceptUrl as string).searchParams.get('token');
    const joined = await call(undefined, 'POST', '/api/invitations/accept', {
      token: inviteToken,
      displayName: `The ${role}`,
      password: `the ${role} password`,
    });
    cookies.set(role, joined.cookie!);
  }
  // Someone else's workspace: its admin is a member of nothing in A.
  const outsider = await call(cookies.get('admin'), 'POST', '/api/invitations', {
    email: 'other@example.com',
    role: 'viewer',
  });
  const other = await call(undefined, 'POST', '/api/invitations/accept', {
    token: new URL(outsider.body.acceptUrl as string).searchParams.get('token'),
    displayName: 'Otto Other',
    password: 'the other password',
  });
  const created = await call(other.cookie, 'POST', '/api/workspaces', { name: 'Elsewhere' });
  await call(other.cookie, 'POST', '/api/auth/workspace', { workspaceId: created.body.id });
  const me = await call(other.cookie, 'GET', '/api/auth/session');
  await call(cookies.get('admin'), 'DELETE', `/api/members/${me.body.user.id}`);
  cookies.set('other', other.cookie!);

  const conversation = await call(cookies.get('member'), 'POST', '/api/conversations', {});
  conversationId = conversation.body.id;
  const reply = await call(cookies.get('member'), 'POST', `/api/conversations/${conversationId}/messages`, {
    content: 'Plan the hiring of a senior data engineer over the next two months',
  });
  projectId = reply.body.reply.metadata.project.id;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('the permission matrix, called', () => {
  it('should allow each role exactly what the matrix gives it, on every route', async () => {
    const surprises: string[] = [];
    for (const route of routePermissions(app.app)) {
      const name = `${route.method} ${route.path}`;
      if (SKIPPED.has(name) || route.access === 'public' || route.access === undefined) continue;
      for (const role of ROLES) {
        const { status, body } = await call(cookies.get(role), route.method, await pathFor(route));
        const allowed = roleAllows(role, route.access);
        const denied = status === 403 && body?.error?.code === 'auth/forbidden';
        if (allowed === denied || status === 401 || status >= 500)
          surprises.push(`${role} ${name} (${route.access}) → ${status} ${body?.error?.code ?? ''}`);
      }
    }
    expect(surprises).toEqual([]);
  });

  it('should answer 401 to nobody on every route but the public ones', async () => {
    const surprises: string[] = [];
    for (const route of routePermissions(app.app)) {
      const { status } = await call(undefined, route.method, fill(route));
      const publicRoute = route.access === 'public';
      if (publicRoute ? status === 401 || status >= 500 : status !== 401)
        surprises.push(`${route.method} ${route.path} → ${status}`);
    }
    expect(surprises).toEqual([]);
  });

  it("should show another workspace's member none of this workspace's project or conversation", async () => {
    const surprises: string[] = [];
    for (const route of routePermissions(app.app)) {
      if (!/\/api\/(projects|conversations)\/:id/.test(route.path)) continue;
      // Not found, or a body refused before anything is looked up: nothing says the project exists.
      const { status } = await call(cookies.get('other'), route.method, fill(route));
      if (status !== 404 && status !== 400) surprises.push(`${route.method} ${route.path} → ${status}`);
    }
    expect(surprises).toEqual([]);
  });

  it('should allow each role exactly what the matrix gives it, on every socket event', async () => {
    const surprises: string[] = [];
    for (const role of ROLES) {
      const socket: Socket = io(app.baseUrl, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { cookie: cookies.get(role)! },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      try {
        for (const [event, permission] of Object.entries(SOCKET_EVENT_PERMISSIONS)) {
          const payload = event.startsWith('project')
            ? { projectId }
            : { conversationId, ...(event === 'message.send' ? { content: 'Who reports to the CFO?' } : {}) };
          const ack = (await socket.timeout(30_000).emitWithAck(event as 'project.join', payload as never)) as {
            ok: boolean;
            error?: { code: string };
          };
          const denied = !ack.ok && ack.error?.code === 'auth/forbidden';
          if (roleAllows(role, permission) === denied) surprises.push(`${role} ${event} → ${JSON.stringify(ack)}`);
        }
      } finally {
        socket.close();
      }
    }
    expect(surprises).toEqual([]);
  });
});
