/**
 * How the API serves the built web app: hashed assets precompressed (brotli, else gzip) and
 * cached for a year; index.html, and every app route that falls back to it, checked on each load.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, testDatabase, type TestApp } from './harness.js';

const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

let db: TestDatabase;
let app: TestApp;
let dist: string;

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'web-dist-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Orchestrator</title>');
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), SCRIPT);
  await writeFile(path.join(dist, 'assets', 'index-abc123.js.br'), brotliCompressSync(SCRIPT));
  await writeFile(path.join(dist, 'assets', 'index-abc123.js.gz'), gzipSync(SCRIPT));
  // No compressed copy: served as it is.
  await writeFile(path.join(dist, 'assets', 'font-def456.woff2'), Buffer.from([1, 2, 3]));
  db = await testDatabase();
  app = await startApp(db.url, { WEB_DIST_DIR: dist });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  if (dist) await rm(dist, { recursive: true, force: true });
});

/** A GET with exactly these headers, the body as sent (fetch would decompress it). */
function get(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.get(`${app.baseUrl}${pathname}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

describe('the web app as the API serves it', () => {
  it('should send the brotli copy of a hashed script when the browser accepts it, cached for a year', async () => {
    const res = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['vary']).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
  });

  it('should send the gzip copy to a browser without brotli, and the file itself to one without either', async () => {
    const gz = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    const plain = await get('/assets/index-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('should cache other assets for a year too, and have index.html checked on every load', async () => {
    const font = await get('/assets/font-def456.woff2', { 'accept-encoding': 'br' });
    expect(font.headers['content-encoding']).toBeUndefined();
    expect(font.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/index.html', '/projects/123']) {
      const res = await get(page, { 'accept-encoding': 'br' });
      expect(res.status, page).toBe(200);
      expect(res.body.toString(), page).toContain('<title>Orchestrator</title>');
      expect(res.headers['cache-control'], page).toMatch(/no-cache|max-age=0/);
    }
  });

  it('should not serve files from outside the assets folder', async () => {
    const res = await get('/assets/..%2f..%2fetc%2fpasswd', { 'accept-encoding': 'br' });
    expect(res.body.toString()).not.toContain('root:');
  });
});
