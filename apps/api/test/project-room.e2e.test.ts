import { projectRoom } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimePublisher } from '../src/realtime/realtime.publisher.js';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let socket: Socket;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  socket = await connectSocket(app.baseUrl);
});
afterAll(async () => {
  socket?.disconnect();
  await pool?.end();
  await app?.close();
  await db?.drop();
});

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };
const emit = (event: string, payload: unknown) => socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack>;

/** The ids of the sockets in a project's room, as the server sees them. */
async function inRoom(projectId: string): Promise<string[]> {
  // The publisher holds the socket.io server the gateway attached; rooms are not visible to clients.
  const server = (app.app.get(RealtimePublisher) as unknown as { server: Server }).server;
  return (await server.in(projectRoom(projectId)).fetchSockets()).map((s) => s.id);
}

async function newProject(): Promise<string> {
  const conversation = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const res = await api(app.baseUrl, 'POST', `/api/conversations/${conversation}/messages`, {
    content: 'Plan the hiring of a senior data engineer over the next two months',
  });
  return (res.body.reply.metadata.project as { id: string }).id;
}

describe('project rooms over the socket', () => {
  it("should join a project of the caller's workspace, ack with its id, and leave it again", async () => {
    const projectId = await newProject();

    expect(await emit('project.join', { projectId })).toEqual({ ok: true, data: { projectId } });
    expect(await inRoom(projectId)).toEqual([socket.id]);

    expect(await emit('project.leave', { projectId })).toEqual({ ok: true, data: { projectId } });
    expect(await inRoom(projectId)).toEqual([]);
  });

  it('should refuse a project of another workspace, an unknown project and malformed payloads, joining no room', async () => {
    const other = (
      await pool.query<{ id: string }>(
        `with w as (insert into workspaces (slug, name) values ('other', 'Other') returning id)
         insert into projects (workspace_id, title) select id, 'Not yours' from w returning id`,
      )
    ).rows[0]!.id;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[string, unknown, string]> = [
      ['project.join', { projectId: other }, 'project/not_found'],
      ['project.join', { projectId: unknown }, 'project/not_found'],
      ['project.join', { projectId: 'x' }, 'request/invalid'],
      ['project.join', { projectId: other, extra: true }, 'request/invalid'],
      ['project.join', 'just a string', 'request/invalid'],
      ['project.leave', { projectId: '\u0000' }, 'request/invalid'],
      ['project.leave', {}, 'request/invalid'],
    ];
    for (const [event, payload, code] of cases) {
      const ack = await emit(event, payload);
      expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
      if (!ack.ok) expect(ack.error.code).toBe(code);
    }
    expect(await inRoom(other)).toEqual([]);
    expect(await inRoom(unknown)).toEqual([]);
    expect(socket.connected).toBe(true);
  });

  it('should answer a refused join sent without an ack with event.rejected to that socket', async () => {
    const rejected = new Promise<unknown>((resolve) => socket.once('event.rejected', resolve));
    socket.emit('project.join', { projectId: '00000000-0000-4000-8000-000000000000' });
    expect(await rejected).toMatchObject({ event: 'project.join', error: { code: 'project/not_found' } });
  });
});
