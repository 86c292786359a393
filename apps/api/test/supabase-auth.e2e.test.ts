/**
 * Supabase Auth access tokens as Bearer credentials (docs/security.md#supabase-auth): verified
 * with every parameter pinned, mapped to an existing account by `sub` or — the first time — by a
 * verified email, acting in one of the person's workspaces with their role there; refused alike
 * whatever is wrong; over HTTP and on the socket, in HS256 and in JWKS mode.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Role } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWTPayload } from 'jose';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TOKEN } from '../src/modules/accounts/accounts.tokens.js';
import type { SetupToken } from '../src/modules/accounts/setup-token.js';
import { api, apiWithHeaders, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

const SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const ISSUER = 'https://project-ref.supabase.co/auth/v1';
const UNAUTHENTICATED = {
  error: {
    code: 'auth/unauthenticated',
    message: 'Not authenticated: the bearer token is invalid, expired or revoked.',
  },
};

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let defaultWorkspace: string;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, {
    AUTH_MODE: 'authenticated',
    SUPABASE_JWT_SECRET: SECRET,
    SUPABASE_JWT_ISSUER: ISSUER,
  });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const { rows } = await pool.query<{ id: string }>(`select id from workspaces where slug = 'default'`);
  defaultWorkspace = rows[0]!.id;
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const now = () => Math.floor(Date.now() / 1000);

interface Signing {
  key?: Uint8Array | CryptoKey;
  alg?: string;
  kid?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now (negative: already expired). */
  expiresIn?: number;
}

/** An access token as Supabase Auth issues one (with the verified-email claim its hook adds). */
function supabaseToken(claims: JWTPayload, signing: Signing = {}): Promise<string> {
  const { key = new TextEncoder().encode(SECRET), alg = 'HS256', kid, expiresIn = 600 } = signing;
  return new SignJWT({ role: 'authenticated', aal: 'aal1', session_id: randomUUID(), is_anonymous: false, ...claims })
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })
    .setIssuer(signing.issuer ?? ISSUER)
    .setAudience(signing.audience ?? 'authenticated')
    .setIssuedAt(now() - 5)
    .setExpirationTime(now() + expiresIn)
    .sign(key);
}

interface Person {
  userId: string;
  email: string;
  /** Their Supabase user id. */
  sub: string;
}

/** An account (as an accepted invitation leaves one) with these memberships, oldest first. */
async function addPerson(...memberships: [workspaceId: string, role: Role][]): Promise<Person> {
  const email = `${randomUUID().slice(0, 8)}@example.test`;
  const { rows } = await pool.query<{ id: string }>(
    'insert into users (email, display_name) values ($1, $2) returning id',
    [email, `Person ${email}`],
  );
  const userId = rows[0]!.id;
  for (const [i, [workspaceId, role]] of memberships.entries())
    await pool.query(
      `insert into memberships (workspace_id, user_id, role, created_at) values ($1, $2, $3, now() + make_interval(secs => $4))`,
      [workspaceId, userId, role, i],
    );
  return { userId, email, sub: randomUUID() };
}

async function addWorkspace(): Promise<string> {
  const slug = `ws-${randomUUID().slice(0, 8)}`;
  const { rows } = await pool.query<{ id: string }>(
    'insert into workspaces (slug, name) values ($1, $2) returning id',
    [slug, `Workspace ${slug}`],
  );
  return rows[0]!.id;
}

const tokenOf = (person: Person, claims: JWTPayload = {}, signing?: Signing) =>
  supabaseToken({ sub: person.sub, email: person.email, email_verified: true, ...claims }, signing);

const call = (token: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
  apiWithHeaders({ authorization: `Bearer ${token}`, ...headers }, app.baseUrl, method, path, body);

const subjectOf = async (userId: string) =>
  (await pool.query<{ auth_subject: string | null }>('select auth_subject from users where id = $1', [userId])).rows[0]!
    .auth_subject;

describe('before the first-run setup', () => {
  it('should refuse a token for the seeded owner’s email: only setup claims the instance', async () => {
    const { rows } = await pool.query<{ id: string; email: string }>(`select id, email from users`);
    const [owner] = rows;
    const token = await supabaseToken({ sub: randomUUID(), email: owner!.email, email_verified: true });
    expect(await call(token, 'GET', '/api/system')).toEqual({ status: 401, body: UNAUTHENTICATED });
    expect(await subjectOf(owner!.id)).toBeNull();
  });
});

describe('with a Supabase token', () => {
  beforeAll(async () => {
    const setupToken = app.app.get<SetupToken>(SETUP_TOKEN, { strict: false }).value;
    const res = await api(app.baseUrl, 'POST', '/api/auth/setup', {
      setupToken,
      email: 'owner@example.test',
      displayName: 'Owner',
      password: 'correct horse battery',
    });
    expect(res.status).toBe(200);
  });

  it('should act as the member whose verified email it carries, with their role, and link the subject', async () => {
    const viewer = await addPerson([defaultWorkspace, 'viewer']);
    const token = await tokenOf(viewer, { email: viewer.email.toUpperCase() });
    const system = await call(token, 'GET', '/api/system');
    expect(system.status).toBe(200);
    expect(system.body.user).toMatchObject({ id: viewer.userId, role: 'viewer' });
    expect(system.body.workspace.id).toBe(defaultWorkspace);
    expect(await subjectOf(viewer.userId)).toBe(viewer.sub);
    expect((await call(token, 'POST', '/api/conversations', {}, {})).body.error.code).toBe('auth/forbidden');

    const member = await addPerson([defaultWorkspace, 'member']);
    const created = await call(await tokenOf(member), 'POST', '/api/conversations', {}, {});
    expect(created.status).toBe(201);
  });

  it('should find a linked person by subject alone, whatever email the token carries later', async () => {
    const person = await addPerson([defaultWorkspace, 'approver']);
    expect((await call(await tokenOf(person), 'GET', '/api/system')).status).toBe(200);
    for (const claims of [{ email: 'changed@example.test', email_verified: false }, { email: undefined }]) {
      const res = await call(await tokenOf(person, claims), 'GET', '/api/system');
      expect([res.status, res.body.user.id, res.body.user.role]).toEqual([200, person.userId, 'approver']);
    }
  });

  it('should act in the workspace x-workspace-id names, else in the first one joined', async () => {
    const second = await addWorkspace();
    const person = await addPerson([defaultWorkspace, 'viewer'], [second, 'admin']);
    const token = await tokenOf(person);
    const first = await call(token, 'GET', '/api/system');
    expect([first.body.workspace.id, first.body.user.role]).toEqual([defaultWorkspace, 'viewer']);
    const chosen = await call(token, 'GET', '/api/system', { 'x-workspace-id': second });
    expect([chosen.body.workspace.id, chosen.body.user.role]).toEqual([second, 'admin']);
    expect((await call(token, 'GET', '/api/members', { 'x-workspace-id': second })).status).toBe(200);
    expect((await call(token, 'GET', '/api/members')).status).toBe(403);
  });

  it('should refuse every bad token, unknown person or foreign workspace with the same 401, linking nobody on a bad token', async () => {
    const person = await addPerson([defaultWorkspace, 'member']);
    const linkedElsewhere = await addPerson([defaultWorkspace, 'member']);
    await pool.query('update users set auth_subject = $2 where id = $1', [linkedElsewhere.userId, randomUUID()]);
    const withoutWorkspace = await addPerson();
    const { privateKey: rsaKey } = await generateKeyPair('RS256');
    const claims = { sub: person.sub, email: person.email, email_verified: true };
    const users = (await pool.query('select count(*)::int as n from users')).rows[0].n;
    const refused = async (token: string, headers?: Record<string, string>) => {
      const res = await call(token, 'GET', '/api/system', headers);
      return res.status === 401 && JSON.stringify(res.body) === JSON.stringify(UNAUTHENTICATED);
    };

    const badTokens: [string, string][] = [
      ['wrong secret', await tokenOf(person, {}, { key: new TextEncoder().encode(`${SECRET}!`) })],
      ['wrong issuer', await tokenOf(person, {}, { issuer: 'https://other-ref.supabase.co/auth/v1' })],
      ['wrong audience', await tokenOf(person, {}, { audience: 'anon' })],
      ['expired', await tokenOf(person, {}, { expiresIn: -60 })],
      ['not yet valid', await tokenOf(person, { nbf: now() + 120 })],
      ['alg none', new UnsecuredJWT({ ...claims, iss: ISSUER, aud: 'authenticated', exp: now() + 600 }).encode()],
      ['HS384', await tokenOf(person, {}, { alg: 'HS384' })],
      ['RS256 when HS256 is configured', await tokenOf(person, {}, { key: rsaKey, alg: 'RS256' })],
      ['no sub', await supabaseToken({ email: person.email, email_verified: true })],
      ['unknown email', await supabaseToken({ ...claims, sub: randomUUID(), email: 'nobody@example.test' })],
      ['unverified email', await tokenOf(person, { email_verified: false })],
      [
        'email verified only in user_metadata',
        await tokenOf(person, { email_verified: undefined, user_metadata: { email_verified: true } }),
      ],
      ['anonymous', await tokenOf(person, { is_anonymous: true })],
      ['account linked to another Supabase user', await tokenOf(linkedElsewhere)],
      ['not a JWT', 'eyJhbGciOiJIUzI1NiJ9.e30'],
    ];
    for (const [what, token] of badTokens) expect(await refused(token), what).toBe(true);
    expect(await subjectOf(person.userId)).toBeNull();
    expect(await subjectOf(linkedElsewhere.userId)).not.toBe(linkedElsewhere.sub);
    expect((await pool.query('select count(*)::int as n from users')).rows[0].n).toBe(users);

    // A good token asking for a workspace that is not the person's, or with no workspace at all.
    const good = await tokenOf(person);
    for (const workspace of [await addWorkspace(), randomUUID(), 'default', `${defaultWorkspace}, ${defaultWorkspace}`])
      expect(await refused(good, { 'x-workspace-id': workspace }), workspace).toBe(true);
    expect(await refused(await tokenOf(withoutWorkspace))).toBe(true);
    expect((await call(good, 'GET', '/api/system')).status).toBe(200);
  });

  it('should stop acting for a member removed from the workspace', async () => {
    const person = await addPerson([defaultWorkspace, 'member']);
    const token = await tokenOf(person);
    expect((await call(token, 'GET', '/api/system')).status).toBe(200);
    await pool.query('delete from memberships where user_id = $1', [person.userId]);
    expect(await call(token, 'GET', '/api/system')).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('should let API tokens made with it expire no later than it', async () => {
    const person = await addPerson([defaultWorkspace, 'member']);
    const exp = now() + 600;
    const res = await call(await tokenOf(person, { exp }), 'POST', '/api/tokens', {}, { name: 'from supabase' });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expiresAt as string)).toBeLessThanOrEqual(exp * 1000);
  });
});

describe('sockets with a Supabase token', () => {
  const disconnected = (socket: Socket) =>
    new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

  it('should connect with it in auth.token, act as its person in auth.workspaceId, and refuse a bad one', async () => {
    const second = await addWorkspace();
    const person = await addPerson([defaultWorkspace, 'viewer'], [second, 'member']);
    const token = await tokenOf(person);
    const conversation = (await call(token, 'POST', '/api/conversations', { 'x-workspace-id': second }, {})).body.id;
    const socket = await connectSocket(app.baseUrl, { auth: { token, workspaceId: second } });
    const elsewhere = await connectSocket(app.baseUrl, { auth: { token } });
    try {
      const ack = await socket.emitWithAck('message.send', { conversationId: conversation, content: 'Hello' });
      expect(ack.ok).toBe(true);
      const { rows } = await pool.query('select author_user_id from messages where id = $1', [ack.data.id]);
      expect(rows[0].author_user_id).toBe(person.userId);
      const refused = await elsewhere.emitWithAck('conversation.join', { conversationId: conversation });
      expect(refused.error.code).toBe('conversation/not_found');
    } finally {
      socket.disconnect();
      elsewhere.disconnect();
    }
    for (const auth of [
      { token: await tokenOf(person, { email_verified: false, sub: randomUUID() }) },
      { token, workspaceId: await addWorkspace() },
      { token, workspaceId: 42 },
    ]) {
      const error = await connectSocket(app.baseUrl, { auth }).then(
        (s) => (s.disconnect(), 'connected'),
        (err: Error & { data?: unknown }) => err.data,
      );
      expect(error).toEqual(UNAUTHENTICATED.error);
    }
  });

  it('should close the socket when the token expires', async () => {
    const person = await addPerson([defaultWorkspace, 'member']);
    const socket = await connectSocket(app.baseUrl, { auth: { token: await tokenOf(person, {}, { expiresIn: 2 }) } });
    const started = Date.now();
    expect(await disconnected(socket)).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe('with the keys of a JWKS endpoint', () => {
  let jwksApp: TestApp;
  let server: Server;
  let es256: CryptoKey;
  let rs256: CryptoKey;
  let fetches = 0;

  beforeAll(async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    const rsa = await generateKeyPair('RS256', { extractable: true });
    es256 = ec.privateKey;
    rs256 = rsa.privateKey;
    const keys = [
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-key', alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-key', alg: 'RS256', use: 'sig' },
    ];
    // What https://<project>.supabase.co/auth/v1/.well-known/jwks.json answers, served here: tests have no network.
    server = createServer((req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    jwksApp = await startApp(db.url, {
      AUTH_MODE: 'authenticated',
      SUPABASE_JWKS_URL: `http://127.0.0.1:${port}/auth/v1/.well-known/jwks.json`,
      SUPABASE_JWT_ISSUER: ISSUER,
    });
  });
  afterAll(async () => {
    await jwksApp?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const callJwks = (token: string) =>
    apiWithHeaders({ authorization: `Bearer ${token}` }, jwksApp.baseUrl, 'GET', '/api/system');

  it('should take ES256 and RS256 tokens signed with its keys, fetching them once', async () => {
    const person = await addPerson([defaultWorkspace, 'approver']);
    for (const signing of [
      { key: es256, alg: 'ES256', kid: 'ec-key' },
      { key: rs256, alg: 'RS256', kid: 'rsa-key' },
    ]) {
      const res = await callJwks(await tokenOf(person, {}, signing));
      expect([signing.alg, res.status, res.body.user?.id]).toEqual([signing.alg, 200, person.userId]);
    }
    expect(fetches).toBe(1);
  });

  it('should refuse HS256, another key under a known kid, and an unknown kid with the same 401', async () => {
    const person = await addPerson([defaultWorkspace, 'member']);
    const { privateKey: stranger } = await generateKeyPair('ES256');
    for (const token of [
      await tokenOf(person),
      await tokenOf(person, {}, { key: stranger, alg: 'ES256', kid: 'ec-key' }),
      await tokenOf(person, {}, { key: stranger, alg: 'ES256', kid: 'other-key' }),
      await tokenOf(person, {}, { key: es256, alg: 'ES256', kid: 'ec-key', audience: 'anon' }),
    ])
      expect(await callJwks(token)).toEqual({ status: 401, body: UNAUTHENTICATED });
    expect((await callJwks(await tokenOf(person, {}, { key: es256, alg: 'ES256', kid: 'ec-key' }))).status).toBe(200);
  });
});

describe('when the JWKS endpoint cannot be reached', () => {
  let downApp: TestApp;

  beforeAll(async () => {
    // A port that was just free: nothing answers there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    downApp = await startApp(db.url, {
      AUTH_MODE: 'authenticated',
      SUPABASE_JWKS_URL: `http://127.0.0.1:${port}/auth/v1/.well-known/jwks.json`,
      SUPABASE_JWT_ISSUER: ISSUER,
    });
  });
  afterAll(async () => {
    await downApp?.close();
  });

  it('should answer 503 auth/keys_unavailable, not 401, over HTTP and on the socket', async () => {
    const person = await addPerson([defaultWorkspace, 'member']);
    const { privateKey } = await generateKeyPair('ES256');
    const token = await tokenOf(person, {}, { key: privateKey, alg: 'ES256', kid: 'ec-key' });
    const res = await apiWithHeaders({ authorization: `Bearer ${token}` }, downApp.baseUrl, 'GET', '/api/system');
    expect([res.status, res.body.error.code]).toEqual([503, 'auth/keys_unavailable']);
    const error = await connectSocket(downApp.baseUrl, { auth: { token } }).then(
      (s) => (s.disconnect(), 'connected'),
      (err: Error & { data?: { code?: string } }) => err.data?.code,
    );
    expect(error).toBe('auth/keys_unavailable');
  });
});
