import { cp, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import type { LlmProvider } from '@orchestrator/core';
import { inWorkspace } from '@orchestrator/db';
import { createTestDatabase, type TestDatabase } from '@orchestrator/db/testing';
import pino from 'pino';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { inject } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  close: () => Promise<void>;
}

/** A fresh, migrated database for this test file (a copy of the template). */
export function testDatabase(): Promise<TestDatabase> {
  const { adminUrl, template } = inject('pg');
  return createTestDatabase(adminUrl, template);
}

/** The repository's agents/: tests read it, never write it. */
export const SHIPPED_AGENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../agents');

/**
 * A fresh copy of agents/ (a folder named `agents` in the run's temporary folder, removed after the
 * run). Saving, restoring, retiring, deploying a built agent and applying an improvement all write
 * the agents folder, so apps run on a copy and the repository's agents/ stays as it is.
 */
export async function copyOfAgents(): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(inject('agentsRoot'), 'file-')), 'agents');
  await cp(SHIPPED_AGENTS, dir, { recursive: true });
  return dir;
}

/** The copy this test file's apps run on when they name no AGENTS_DIR (one, so a restarted app finds its files). */
let fileCopy: Promise<string> | undefined;

/**
 * Boots the real app (Nest + Postgres + registry) on a random port, on a copy of agents/ unless
 * `AGENTS_DIR` is given; on its own embedded Postgres (in `DATA_DIR`) when `databaseUrl` is undefined.
 */
export async function startApp(
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
  llm?: LlmProvider,
): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OFFLINE_STREAM_DELAY_MS: '0',
    // Tests send far more than a person would; the limits have their own test.
    RATE_LIMIT_PER_MINUTE: '1000000',
    CHAT_RATE_LIMIT_PER_MINUTE: '100000',
    WEB_DIST_DIR: '/nonexistent',
    LLM_PROVIDER: 'offline',
    // Hot reload of agents/ only where a test is about it.
    AGENTS_WATCH: 'false',
    ...env,
    AGENTS_DIR: env.AGENTS_DIR ?? (await (fileCopy ??= copyOfAgents())),
  });
  const app = await createApp({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), llm });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * `service` (a provider taken from the app) whose methods run in `workspaceId`'s tenant scope,
 * as the app's own callers — a request, a socket event, a project's run — call them; called
 * bare, a test would see none of the workspace's rows (docs/security.md, "Tenant isolation").
 */
export function actingIn<T extends object>(workspaceId: string, service: T): T {
  return new Proxy(service, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        inWorkspace(workspaceId, () => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

export function api(baseUrl: string, method: string, path: string, body?: unknown, raw?: string) {
  return apiWithHeaders({}, baseUrl, method, path, body, raw);
}

/** As `api`, with these request headers too (e.g. `authorization`). */
export async function apiWithHeaders(
  headers: Record<string, string>,
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  raw?: string,
) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...headers,
      // As the web client does: every change says JSON, body or not (docs/security.md).
      ...(method === 'GET' && body === undefined && raw === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test helper over arbitrary JSON
}

/** `options` carries credentials: `{ auth: { token } }` or `{ extraHeaders: { authorization } }`. */
export function connectSocket(baseUrl: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Socket> {
  const socket = io(baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}
