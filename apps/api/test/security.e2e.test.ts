/**
 * Local trusted mode's edge (docs/security.md): requests for another host name (DNS rebinding),
 * changes not sent as JSON (cross-site form POSTs), sockets opened by another site's page, and a
 * non-loopback HOST, which refuses to start.
 */
import http from 'node:http';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';
import { startServerProcess } from './server-process.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let port: number;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  port = Number(new URL(app.baseUrl).port);
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

/** A raw request: fetch cannot set Host. */
function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: { error?: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const count = async (table: 'conversations' | 'projects') =>
  Number((await pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);

function socketWith(headers: Record<string, string>): Promise<'connected' | string> {
  const socket = io(app.baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: headers,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => (socket.close(), resolve('connected')));
    socket.once('connect_error', (err) => (socket.close(), resolve(err.message)));
  });
}

describe('local trusted mode: the edge', () => {
  it('should answer 403 to a Host header that names another server, on every path, and serve its own names', async () => {
    for (const path of ['/api/projects', '/health/ready', '/health/live', '/'])
      for (const host of ['evil.example', `evil.example:${port}`, `0.0.0.0:${port}`]) {
        const res = await request('GET', path, { host });
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(res.body.error?.code).toBe('request/host_not_allowed');
      }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
      expect((await request('GET', '/api/projects', { host })).status, host).toBe(200);
  });

  it('should refuse changes not sent as JSON — the cross-site form POSTs — and change nothing', async () => {
    const { body: project } = await api(app.baseUrl, 'POST', '/api/conversations', {});
    const reply = await api(app.baseUrl, 'POST', `/api/conversations/${project.id}/messages`, {
      content: 'Plan the hiring of a senior data engineer over the next two months',
    });
    const projectId = (reply.body.reply.metadata.project as { id: string }).id;
    const status = async () =>
      (await pool.query<{ status: string }>('select status from projects where id = $1', [projectId])).rows[0]!.status;
    const before = {
      conversations: await count('conversations'),
      projects: await count('projects'),
      status: await status(),
    };

    const host = `127.0.0.1:${port}`;
    const forms: Array<[Record<string, string>, string]> = [
      [{ host }, ''],
      [{ host, 'content-type': 'text/plain' }, ''],
      [{ host, 'content-type': 'application/x-www-form-urlencoded' }, 'reason=x'],
      [{ host, 'content-type': 'multipart/form-data; boundary=b' }, '--b--'],
    ];
    for (const [headers, body] of forms) {
      for (const path of [
        '/api/conversations',
        `/api/projects/${projectId}/cancel`,
        `/api/projects/${projectId}/pause`,
      ]) {
        const res = await request('POST', path, headers, body);
        expect(res.status, `${headers['content-type']} ${path}`).toBe(415);
        expect(res.body.error?.code).toBe('request/unsupported_media_type');
      }
    }
    expect({
      conversations: await count('conversations'),
      projects: await count('projects'),
      status: await status(),
    }).toEqual(before);
    // The same change sent as JSON, as the web app sends it, goes through.
    expect((await api(app.baseUrl, 'POST', `/api/projects/${projectId}/cancel`)).status).toBe(200);
    expect(await status()).toBe('aborted');
  });

  it("should refuse a socket opened by another site's page or for another host name, and accept its own", async () => {
    expect(await socketWith({ origin: 'http://evil.example' })).not.toBe('connected');
    expect(await socketWith({ origin: 'null' })).not.toBe('connected');
    expect(await socketWith({ origin: `http://localhost:${port + 1}` })).not.toBe('connected');
    expect(await socketWith({ host: 'evil.example', origin: 'http://evil.example' })).not.toBe('connected');
    expect(await socketWith({ origin: app.baseUrl })).toBe('connected');
    expect(await socketWith({})).toBe('connected');
  });

  it('should refuse to start on a non-loopback address, saying how to fix it', async () => {
    const started = startServerProcess({ HOST: '0.0.0.0', DATABASE_URL: db.url });
    const failure = await started.then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/server exited \(2\)/);
    expect(failure).toMatch(/HOST: 0\.0\.0\.0 would serve the API beyond this machine/);
  });
});
