/**
 * Authenticated mode (docs/security.md): first-run setup, sign-in, sessions, invitations, roles,
 * members, workspaces and password changes, through the HTTP API and the socket.
 */
import { randomUUID } from 'node:crypto';
import type { SessionInfo } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TOKEN } from '../src/modules/accounts/accounts.tokens.js';
import type { SetupToken } from '../src/modules/accounts/setup-token.js';
import { ApprovalsService } from '../src/modules/approvals/approvals.service.js';
import { actingIn, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { AUTH_MODE: 'authenticated' });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

type Reply = { status: number; body: any; setCookie: string | null; wwwAuthenticate: string | null }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test client over arbitrary JSON

/** A browser: keeps the session cookie the server sets, sends JSON. */
class Browser {
  cookie = '';

  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: {
        ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!.endsWith('=') ? '' : setCookie.split(';')[0]!;
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      setCookie,
      wwwAuthenticate: res.headers.get('www-authenticate'),
    };
  }

  session = async (): Promise<SessionInfo> => (await this.call('GET', '/api/auth/session')).body as SessionInfo;
}

const setupToken = () => app.app.get<SetupToken>(SETUP_TOKEN, { strict: false }).value;
const OWNER = { email: 'sarah@example.com', password: 'correct horse battery', displayName: 'Sarah Chen' };
const owner = new Browser();

async function invite(email: string, role: string): Promise<string> {
  const res = await owner.call('POST', '/api/invitations', { email, role });
  expect(res.status).toBe(201);
  return new URL(res.body.acceptUrl as string).searchParams.get('token')!;
}

async function join(email: string, role: string, displayName: string): Promise<Browser> {
  const token = await invite(email, role);
  const person = new Browser();
  const res = await person.call('POST', '/api/invitations/accept', {
    token,
    displayName,
    password: `${displayName} pw 123`,
  });
  expect(res.status).toBe(200);
  return person;
}

describe('authenticated mode', () => {
  it('should answer only the public routes before setup, and refuse the socket', async () => {
    const anyone = new Browser();
    expect(await anyone.session()).toMatchObject({ mode: 'authenticated', setupRequired: true, user: null });
    const projects = await anyone.call('GET', '/api/projects');
    expect(projects.status).toBe(401);
    expect(projects.wwwAuthenticate).toBe('Bearer realm="orchestrator"');
    expect(projects.body.error.code).toBe('auth/unauthenticated');
    const login = await anyone.call('POST', '/api/auth/login', { email: 'owner@localhost', password: 'x' });
    expect(login.body.error.code).toBe('auth/invalid_credentials');
    const socket = io(app.baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (err) =>
        resolve((err as Error & { data?: { code: string } }).data?.code ?? err.message),
      );
    });
    socket.close();
    expect(outcome).toBe('auth/unauthenticated');
  });

  it('should set up the first owner with the printed token only, once, in an httpOnly SameSite cookie', async () => {
    const wrong = await owner.call('POST', '/api/auth/setup', { ...OWNER, setupToken: 'guess' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('auth/setup_token_invalid');
    const weak = await owner.call('POST', '/api/auth/setup', { ...OWNER, password: 'short', setupToken: setupToken() });
    expect(weak.status).toBe(400);

    const res = await owner.call('POST', '/api/auth/setup', {
      ...OWNER,
      workspaceName: 'Acme',
      setupToken: setupToken(),
    });
    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(/^orch_session=[\w-]{40,};/);
    expect(res.setCookie).toMatch(/HttpOnly/);
    expect(res.setCookie).toMatch(/SameSite=Lax/);
    expect(res.body).toMatchObject({
      setupRequired: false,
      user: { email: OWNER.email, displayName: OWNER.displayName },
      workspace: { name: 'Acme', role: 'admin' },
    });
    const again = await new Browser().call('POST', '/api/auth/setup', { ...OWNER, setupToken: setupToken() });
    expect(again.status).toBe(409);
    expect((await owner.call('GET', '/api/projects')).status).toBe(200);
    // Only hashes are stored.
    const { rows } = await pool.query<{ hash: string }>('select hash from user_passwords');
    expect(rows[0]!.hash).toMatch(/^\$argon2id\$/);
  });

  it('should not tell which emails exist: a wrong password and an unknown email answer alike', async () => {
    const unknown = await new Browser().call('POST', '/api/auth/login', {
      email: 'nobody@example.com',
      password: 'whatever it is',
    });
    const wrong = await new Browser().call('POST', '/api/auth/login', {
      email: OWNER.email,
      password: 'whatever it is',
    });
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    const right = new Browser();
    expect(
      (await right.call('POST', '/api/auth/login', { email: 'SARAH@example.com', password: OWNER.password })).status,
    ).toBe(200);
    expect((await right.session()).user?.email).toBe(OWNER.email);
  });

  it('should let an invited approver join, decide an approval under their own name, and not administer', async () => {
    const preview = await new Browser().call(
      'GET',
      `/api/invitations/accept?token=${await invite('ana@example.com', 'viewer')}`,
    );
    expect(preview.body).toMatchObject({
      workspaceName: 'Acme',
      role: 'viewer',
      invitedBy: 'Sarah Chen',
      existingAccount: false,
    });
    // A newer invitation for the same email replaces the older one.
    const approver = await join('ana@example.com', 'approver', 'Ana Lopez');
    expect((await approver.session()).workspace).toMatchObject({ name: 'Acme', role: 'approver' });
    expect((await approver.call('GET', '/api/members')).status).toBe(403);
    expect((await approver.call('PUT', '/api/budgets', {})).status).toBe(403);

    const workspaceId = (await owner.session()).workspace!.id;
    const { rows } = await pool.query<{ id: string }>(
      `insert into projects (workspace_id, title, status, department) values ($1, 'Vendor run', 'paused_for_approval', 'finance') returning id`,
      [workspaceId],
    );
    await pool.query(
      `insert into project_steps (workspace_id, project_id, step_key, name, status) values ($1, $2, 'pay', 'Pay', 'pending_approval')`,
      [workspaceId, rows[0]!.id],
    );
    const approval = await actingIn(workspaceId, app.app.get(ApprovalsService)).request({
      workspaceId,
      projectId: rows[0]!.id,
      stepKey: 'pay',
      threadId: `project:${rows[0]!.id}`,
      interruptId: 'i-pay',
      agentName: 'invoice_processor',
      department: 'finance',
      action: 'pay_invoice',
      riskLevel: 'high',
      preview: { summary: 'Pay INV-42', details: {} },
    });
    const viewer = await join('vic@example.com', 'viewer', 'Vic Viewer');
    const refused = await viewer.call('POST', `/api/approvals/${approval.id}/decision`, { decision: 'approve' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('auth/forbidden');

    const decided = await approver.call('POST', `/api/approvals/${approval.id}/decision`, { decision: 'approve' });
    expect(decided.status).toBe(200);
    const audit = await owner.call('GET', `/api/audit?projectId=${rows[0]!.id}`);
    expect(JSON.stringify(audit.body)).toContain('Ana Lopez');
  });

  it('should keep at least one admin, and sign a removed member out', async () => {
    const me = (await owner.session()).user!;
    const demote = await owner.call('PUT', `/api/members/${me.id}/role`, { role: 'member' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('member/last_admin');

    const leaving = await join('leo@example.com', 'member', 'Leo Leaving');
    const leo = (await leaving.session()).user!;
    expect((await owner.call('DELETE', `/api/members/${leo.id}`)).status).toBe(204);
    expect((await leaving.call('GET', '/api/projects')).status).toBe(401);
    const members = await owner.call('GET', '/api/members');
    expect(members.body.members.map((m: { email: string }) => m.email)).not.toContain('leo@example.com');
  });

  it('should end the other sessions on a password change, and the session on sign-out', async () => {
    const first = await join('pat@example.com', 'member', 'Pat Person');
    const second = new Browser();
    expect(
      (await second.call('POST', '/api/auth/login', { email: 'pat@example.com', password: 'Pat Person pw 123' }))
        .status,
    ).toBe(200);
    const wrongCurrent = await first.call('POST', '/api/auth/password', {
      currentPassword: 'nope',
      newPassword: 'a new long password',
    });
    expect(wrongCurrent.status).toBe(401);
    expect(
      (
        await first.call('POST', '/api/auth/password', {
          currentPassword: 'Pat Person pw 123',
          newPassword: 'a new long password',
        })
      ).status,
    ).toBe(204);
    expect((await second.call('GET', '/api/projects')).status).toBe(401);
    expect((await first.call('GET', '/api/projects')).status).toBe(200);

    const cookie = first.cookie;
    expect((await first.call('POST', '/api/auth/logout')).status).toBe(204);
    const stale = new Browser();
    stale.cookie = cookie;
    expect((await stale.call('GET', '/api/projects')).status).toBe(401);
  });

  it("should reset a member's password through an admin's one-time link", async () => {
    const member = await join('rita@example.com', 'member', 'Rita Reset');
    const rita = (await member.session()).user!;
    const link = await owner.call('POST', `/api/members/${rita.id}/password-reset`);
    expect(link.status).toBe(200);
    const token = new URL(link.body.resetUrl as string).searchParams.get('token')!;
    const browser = new Browser();
    expect(
      (await browser.call('POST', '/api/auth/password-reset', { token, newPassword: 'rita chose this one' })).status,
    ).toBe(200);
    expect((await member.call('GET', '/api/projects')).status).toBe(401);
    expect(
      (await browser.call('POST', '/api/auth/password-reset', { token, newPassword: 'and again please' })).status,
    ).toBe(404);
    expect(
      (
        await new Browser().call('POST', '/api/auth/login', {
          email: 'rita@example.com',
          password: 'rita chose this one',
        })
      ).status,
    ).toBe(200);
  });

  it('should create and switch workspaces, seeing only the ones a person belongs to', async () => {
    const outsider = await join('olga@example.com', 'member', 'Olga Outside');
    const created = await owner.call('POST', '/api/workspaces', { name: 'Second Co' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Second Co', role: 'admin' });
    const switched = await owner.call('POST', '/api/auth/workspace', { workspaceId: created.body.id });
    expect(switched.body.workspace).toMatchObject({ name: 'Second Co' });
    expect((await owner.call('GET', '/api/projects')).body.projects).toEqual([]);
    expect((await owner.call('GET', '/api/members')).body.members).toHaveLength(1);

    expect((await outsider.session()).workspaces.map((w) => w.name)).toEqual(['Acme']);
    const sneaking = await outsider.call('POST', '/api/auth/workspace', { workspaceId: created.body.id });
    expect(sneaking.status).toBe(404);
    expect((await outsider.call('POST', '/api/auth/workspace', { workspaceId: randomUUID() })).status).toBe(404);
  });

  it('should let a signed-in socket in with its workspace and role', async () => {
    const socket = io(app.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: owner.cookie },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack = await socket.timeout(5000).emitWithAck('project.join', { projectId: randomUUID() });
      expect(ack).toMatchObject({ ok: false, error: { code: 'project/not_found' } });
    } finally {
      socket.close();
    }
  });

  it('should let many people open their invitation links at once (links are counted per address only)', async () => {
    for (let i = 0; i < 12; i++) {
      const token = await invite(`crowd${i}@example.com`, 'viewer');
      expect((await new Browser().call('GET', `/api/invitations/accept?token=${token}`)).status).toBe(200);
    }
  });

  it('should stop guessing at a password after a few tries', async () => {
    const guesser = new Browser();
    const answers: number[] = [];
    for (let i = 0; i < 12; i++)
      answers.push(
        (await guesser.call('POST', '/api/auth/login', { email: 'ana@example.com', password: `guess ${i}` })).status,
      );
    expect(answers.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);
  });
});
