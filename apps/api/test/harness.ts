import type { INestApplication } from '@nestjs/common';
import type { LlmProvider } from '@orchestrator/core';
import { createTestDatabase, type TestDatabase } from '@orchestrator/db/testing';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
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

/** Boots the real app (Nest + Postgres + registry) on a random port. */
export async function startApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  llm?: LlmProvider,
): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OFFLINE_STREAM_DELAY_MS: '0',
    WEB_DIST_DIR: '/nonexistent',
    LLM_PROVIDER: 'offline',
    // Hot reload of agents/ only where a test is about it.
    AGENTS_WATCH: 'false',
    ...env,
  });
  const app = await createApp({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), llm });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export async function api(baseUrl: string, method: string, path: string, body?: unknown, raw?: string) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test helper over arbitrary JSON
}

export function connectSocket(baseUrl: string): Promise<Socket> {
  const socket = io(baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}
