/**
 * Personal API tokens (docs/api.md#api-tokens, docs/security.md#api-tokens): created and shown
 * once, stored hashed, acting as their user with the lower of their ceiling and the user's role,
 * refused alike whatever is wrong with them, revocable — over HTTP and on the socket.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Role } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiToken } from '../src/modules/identity/api-token.js';
import { api, apiWithHeaders, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let workspaceId: string;
let ownerId: string;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const { body } = await api(app.baseUrl, 'GET', '/api/system');
  workspaceId = body.workspace.id;
  ownerId = body.user.id;
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const withToken = (token: string, method: string, path: string, body?: unknown) =>
  apiWithHeaders(bearer(token), app.baseUrl, method, path, body);

async function addWorkspace(): Promise<string> {
  const slug = `ws-${randomUUID().slice(0, 8)}`;
  const { rows } = await pool.query<{ id: string }>(
    'insert into workspaces (slug, name) values ($1, $2) returning id',
    [slug, `Workspace ${slug}`],
  );
  return rows[0]!.id;
}

/** A user with a membership of `role` in the workspace (the default one unless named). */
async function addMember(role: Role, inWorkspace = workspaceId): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    'insert into users (email, display_name) values ($1, $2) returning id',
    [`${randomUUID()}@example.test`, `A ${role}`],
  );
  await pool.query('insert into memberships (workspace_id, user_id, role) values ($1, $2, $3)', [
    inWorkspace,
    rows[0]!.id,
    role,
  ]);
  return rows[0]!.id;
}

/** A token of another user, stored as the API stores one (there is no login to create it through). */
async function insertToken(userId: string, ceiling: Role, inWorkspace = workspaceId) {
  const { token, prefix, secretHash } = generateApiToken();
  const { rows } = await pool.query<{ id: string }>(
    `insert into api_tokens (workspace_id, user_id, name, prefix, secret_hash, role_ceiling, expires_at)
     values ($1, $2, 'script', $3, $4, $5, now() + interval '1 day') returning id`,
    [inWorkspace, userId, prefix, secretHash, ceiling],
  );
  return { token, id: rows[0]!.id };
}

async function createToken(body: Record<string, unknown> = { name: 'ci' }): Promise<{ token: string; id: string }> {
  const res = await api(app.baseUrl, 'POST', '/api/tokens', body);
  expect(res.status).toBe(201);
  return res.body;
}

const auditActions = async (tokenId: string) =>
  (
    await pool.query<{ action: string; actor: string }>(
      'select action, actor from audit_log where target_type = $1 and target_id = $2 order by created_at',
      ['api_token', tokenId],
    )
  ).rows;

const UNAUTHENTICATED = {
  error: {
    code: 'auth/unauthenticated',
    message: 'Not authenticated: the bearer token is invalid, expired or revoked.',
  },
};

describe('creating and listing tokens', () => {
  it('should show the token once, store only the hash of its secret, and audit the creation', async () => {
    const res = await api(app.baseUrl, 'POST', '/api/tokens', { name: '  deploy script ' });
    expect(res.status).toBe(201);
    const created = res.body;
    expect(created.token).toMatch(/^orch_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'deploy script', role: 'admin', lastUsedAt: null, revokedAt: null });
    expect(created.token.split('_')[1]).toBe(created.prefix);
    const days = (Date.parse(created.expiresAt) - Date.parse(created.createdAt)) / 86_400_000;
    expect(days).toBe(90);

    const listed = (await api(app.baseUrl, 'GET', '/api/tokens')).body.tokens;
    const { token: _shownOnce, ...metadata } = created;
    expect(listed.find((t: { id: string }) => t.id === created.id)).toEqual(metadata);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(14));

    const secret = created.token.slice(`orch_${created.prefix}_`.length);
    const { rows } = await pool.query<{ secret_hash: Buffer; row: string }>(
      'select secret_hash, t::text as row from api_tokens t where id = $1',
      [created.id],
    );
    expect(rows[0]!.secret_hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(rows[0]!.row).not.toContain(secret);
    expect(await auditActions(created.id)).toEqual([{ action: 'api_token.created', actor: ownerId }]);
  });

  it('should list only the caller’s own tokens, newest first, page by page', async () => {
    const member = await addMember('member');
    const { token: memberToken } = await insertToken(member, 'member');
    const first = await createToken({ name: 'first' });
    const second = await createToken({ name: 'second' });
    const page = (await api(app.baseUrl, 'GET', '/api/tokens?limit=1')).body;
    expect(page.tokens.map((t: { id: string }) => t.id)).toEqual([second.id]);
    const next = (await api(app.baseUrl, 'GET', `/api/tokens?limit=1&cursor=${page.nextCursor}`)).body;
    expect(next.tokens.map((t: { id: string }) => t.id)).toEqual([first.id]);

    const mine = (await withToken(memberToken, 'GET', '/api/tokens')).body.tokens;
    expect(mine.map((t: { name: string }) => t.name)).toEqual(['script']);
  });

  it('should refuse a ceiling above the caller’s role with 403 and store nothing', async () => {
    const member = await addMember('member');
    const { token } = await insertToken(member, 'admin');
    const before = (await pool.query('select count(*)::int as n from api_tokens')).rows[0].n;
    const refused = await withToken(token, 'POST', '/api/tokens', { name: 'escalate', role: 'approver' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('auth/forbidden');
    expect((await pool.query('select count(*)::int as n from api_tokens')).rows[0].n).toBe(before);

    const lower = await withToken(token, 'POST', '/api/tokens', { name: 'read only', role: 'viewer' });
    expect(lower.status).toBe(201);
    // Made with a token that expires in a day: it cannot outlive it (90 days were asked by default).
    const creator = await pool.query<{ expires_at: Date }>(
      'select expires_at from api_tokens where user_id = $1 order by created_at limit 1',
      [member],
    );
    expect(new Date(lower.body.expiresAt as string).getTime()).toBeLessThanOrEqual(
      creator.rows[0]!.expires_at.getTime(),
    );
    const byDefault = await withToken(token, 'POST', '/api/tokens', { name: 'as me' });
    expect(byDefault.body.role).toBe('member');
    const owners = await pool.query('select distinct user_id from api_tokens where id = any($1)', [
      [lower.body.id, byDefault.body.id],
    ]);
    expect(owners.rows).toEqual([{ user_id: member }]);
  });

  it('should refuse an expiry outside 1–365 days and a name outside 1–100 characters', async () => {
    for (const body of [
      { name: 'x', expiresInDays: 0 },
      { name: 'x', expiresInDays: 366 },
      { name: 'x', expiresInDays: 1.5 },
      { name: ' ' },
      { name: 'x'.repeat(101) },
      { name: 'x', role: 'owner' },
      { name: 'x', scope: 'all' },
    ]) {
      const res = await api(app.baseUrl, 'POST', '/api/tokens', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const longest = await createToken({ name: 'x'.repeat(100), expiresInDays: 365 });
    const { rows } = await pool.query('select expires_at - created_at as lifetime from api_tokens where id = $1', [
      longest.id,
    ]);
    expect(rows[0].lifetime).toMatchObject({ days: 365 });
  });
});

describe('acting with a token', () => {
  it('should act as the token’s user and workspace with the lower of its ceiling and the user’s role', async () => {
    const member = await addMember('member');
    const { token } = await insertToken(member, 'admin');
    const system = (await withToken(token, 'GET', '/api/system')).body;
    expect(system.workspace).toEqual({ id: workspaceId, name: 'Default workspace' });
    expect(system.user).toEqual({ id: member, displayName: 'A member', role: 'member' });

    const approver = await addMember('approver');
    const { token: viewerToken } = await insertToken(approver, 'viewer');
    expect((await withToken(viewerToken, 'GET', '/api/system')).body.user.role).toBe('viewer');

    const conversation = await withToken(token, 'POST', '/api/conversations', {});
    expect(conversation.status).toBe(201);
    const { rows } = await pool.query('select created_by from conversations where id = $1', [conversation.body.id]);
    expect(rows[0].created_by).toBe(member);
  });

  it('should follow the user’s current role: a demoted member’s token acts with the new role', async () => {
    const user = await addMember('approver');
    const { token } = await insertToken(user, 'admin');
    expect((await withToken(token, 'GET', '/api/system')).body.user.role).toBe('approver');
    await pool.query(`update memberships set role = 'viewer' where user_id = $1`, [user]);
    expect((await withToken(token, 'GET', '/api/system')).body.user.role).toBe('viewer');
  });

  it('should act in the token’s own workspace, not the default one', async () => {
    const other = await addWorkspace();
    const user = await addMember('admin', other);
    const { token } = await insertToken(user, 'admin', other);
    const system = (await withToken(token, 'GET', '/api/system')).body;
    expect(system.workspace.id).toBe(other);
    const ownerConversation = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id;
    const res = await withToken(token, 'GET', `/api/conversations/${ownerConversation}`);
    expect(res.status).toBe(404);
  });

  it('should answer every refused credential with the same 401 and change nothing', async () => {
    const revoked = await createToken({ name: 'revoked' });
    expect((await api(app.baseUrl, 'DELETE', `/api/tokens/${revoked.id}`)).status).toBe(204);
    const expired = await createToken({ name: 'expired' });
    await pool.query(
      `update api_tokens set created_at = now() - interval '2 days', expires_at = now() - interval '1 second' where id = $1`,
      [expired.id],
    );
    const removedUser = await addMember('member');
    const { token: ofRemoved } = await insertToken(removedUser, 'member');
    await pool.query('delete from memberships where user_id = $1', [removedUser]);
    const valid = await createToken({ name: 'valid' });
    const [, prefix, secret] = /^orch_([a-z2-7]{8})_(.+)$/.exec(valid.token)!;
    const wrongSecret = `orch_${prefix}_${secret!.startsWith('A') ? 'B' : 'A'}${secret!.slice(1)}`;
    const unknownPrefix = `orch_${prefix === 'aaaaaaaa' ? 'bbbbbbbb' : 'aaaaaaaa'}_${secret}`;

    const conversations = async () => (await pool.query('select count(*)::int as n from conversations')).rows[0].n;
    const before = await conversations();
    const authorizations = [
      ...[revoked.token, expired.token, ofRemoved, wrongSecret, unknownPrefix].map((t) => `Bearer ${t}`),
      `Bearer ${valid.token}x`,
      `Bearer ${valid.token.slice(0, -1)}`,
      `Bearer orch_${prefix}`,
      `Bearer ${secret}`,
      `Basic ${Buffer.from(`owner:${valid.token}`).toString('base64')}`,
      valid.token,
      'Bearer',
      'Bearer ',
      '',
    ];
    for (const authorization of authorizations) {
      for (const [method, path] of [
        ['GET', '/api/system'],
        ['POST', '/api/conversations'],
      ] as const) {
        const res = await apiWithHeaders(
          { authorization },
          app.baseUrl,
          method,
          path,
          method === 'POST' ? {} : undefined,
        );
        expect([authorization, res.status, res.body]).toEqual([authorization, 401, UNAUTHENTICATED]);
      }
    }
    expect(await conversations()).toBe(before);
    expect((await withToken(valid.token, 'GET', '/api/system')).status).toBe(200);
  });

  it('should record the last use at most once a minute', async () => {
    const { id, token } = await createToken({ name: 'used' });
    const lastUsed = async () =>
      (await pool.query<{ at: Date | null }>('select last_used_at as at from api_tokens where id = $1', [id])).rows[0]!
        .at;
    expect(await lastUsed()).toBeNull();
    await withToken(token, 'GET', '/api/system');
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await withToken(token, 'GET', '/api/system');
    expect(await lastUsed()).toEqual(first);

    await pool.query(`update api_tokens set last_used_at = now() - interval '61 seconds' where id = $1`, [id]);
    const aged = await lastUsed();
    await withToken(token, 'GET', '/api/system');
    expect((await lastUsed())!.getTime()).toBeGreaterThan(aged!.getTime());
  });
});

describe('revoking tokens', () => {
  it('should revoke once, answer 204 again on a repeat, and refuse the token from then on', async () => {
    const { id, token } = await createToken({ name: 'to revoke' });
    expect((await withToken(token, 'GET', '/api/system')).status).toBe(200);
    expect((await api(app.baseUrl, 'DELETE', `/api/tokens/${id}`)).status).toBe(204);
    const { rows } = await pool.query<{ revoked_at: Date }>('select revoked_at from api_tokens where id = $1', [id]);
    expect((await api(app.baseUrl, 'DELETE', `/api/tokens/${id}`)).status).toBe(204);
    const again = await pool.query<{ revoked_at: Date }>('select revoked_at from api_tokens where id = $1', [id]);
    expect(again.rows[0]!.revoked_at).toEqual(rows[0]!.revoked_at);
    expect(await auditActions(id)).toEqual([
      { action: 'api_token.created', actor: ownerId },
      { action: 'api_token.revoked', actor: ownerId },
    ]);
    expect((await withToken(token, 'GET', '/api/system')).status).toBe(401);
    const listed = (await api(app.baseUrl, 'GET', '/api/tokens')).body.tokens.find((t: { id: string }) => t.id === id);
    expect(listed.revokedAt).toBe(rows[0]!.revoked_at.toISOString());
  });

  it('should answer 404 for another user’s token or an unknown one, and leave it usable', async () => {
    const member = await addMember('member');
    const { id, token } = await insertToken(member, 'member');
    for (const target of [id, randomUUID(), 'not-a-uuid']) {
      const res = await api(app.baseUrl, 'DELETE', `/api/tokens/${target}`);
      expect([target, res.status, res.body.error.code]).toEqual([target, 404, 'token/not_found']);
    }
    expect((await withToken(token, 'GET', '/api/system')).status).toBe(200);
    expect((await withToken(token, 'DELETE', `/api/tokens/${id}`)).status).toBe(204);
    expect((await withToken(token, 'GET', '/api/system')).status).toBe(401);
  });
});

describe('sockets with tokens', () => {
  const refusal = (options: Parameters<typeof connectSocket>[1]) =>
    connectSocket(app.baseUrl, options).then(
      (socket) => (socket.disconnect(), 'connected'),
      (err: Error & { data?: unknown }) => err.data,
    );
  const disconnected = (socket: Socket) =>
    new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

  it('should connect with a token in auth or the Authorization header and act as its user', async () => {
    const member = await addMember('member');
    const { token } = await insertToken(member, 'member');
    const conversation = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id;
    for (const options of [{ auth: { token } }, { extraHeaders: bearer(token) }]) {
      const socket = await connectSocket(app.baseUrl, options);
      try {
        const ack = await socket.emitWithAck('message.send', { conversationId: conversation, content: 'Hello' });
        expect(ack.ok).toBe(true);
        const { rows } = await pool.query('select author_user_id from messages where id = $1', [ack.data.id]);
        expect(rows[0].author_user_id).toBe(member);
      } finally {
        socket.disconnect();
      }
    }
  });

  it('should refuse a handshake with a revoked, unknown or malformed token with the 401 code', async () => {
    const { id, token } = await createToken({ name: 'socket revoked' });
    await api(app.baseUrl, 'DELETE', `/api/tokens/${id}`);
    const expected = UNAUTHENTICATED.error;
    expect(await refusal({ auth: { token } })).toEqual(expected);
    expect(await refusal({ extraHeaders: bearer(token) })).toEqual(expected);
    expect(await refusal({ auth: { token: 'orch_aaaaaaaa_nope' } })).toEqual(expected);
    expect(await refusal({ auth: { token: 42 } })).toEqual(expected);
    expect(await refusal({ extraHeaders: { authorization: 'Basic b3duZXI6' } })).toEqual(expected);
    expect(await refusal({})).toBe('connected');
  });

  it('should disconnect the sockets a token opened when it is revoked, and only those', async () => {
    const { id, token } = await createToken({ name: 'socket open' });
    const other = await createToken({ name: 'socket other' });
    const revokedSocket = await connectSocket(app.baseUrl, { auth: { token } });
    const otherSocket = await connectSocket(app.baseUrl, { auth: { token: other.token } });
    const ownerSocket = await connectSocket(app.baseUrl);
    try {
      const closed = disconnected(revokedSocket);
      expect((await api(app.baseUrl, 'DELETE', `/api/tokens/${id}`)).status).toBe(204);
      expect(await closed).toBe('io server disconnect');
      const [a, b] = await Promise.all(
        [otherSocket, ownerSocket].map((s) =>
          s.timeout(5_000).emitWithAck('conversation.leave', { conversationId: id }),
        ),
      );
      expect([a.ok, b.ok]).toEqual([true, true]);
    } finally {
      for (const s of [revokedSocket, otherSocket, ownerSocket]) s.disconnect();
    }
  });

  it('should disconnect a socket when its token expires', async () => {
    const { id, token } = await createToken({ name: 'socket expiring' });
    await pool.query(`update api_tokens set expires_at = now() + interval '1 second' where id = $1`, [id]);
    const socket = await connectSocket(app.baseUrl, { auth: { token } });
    const started = Date.now();
    expect(await disconnected(socket)).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
