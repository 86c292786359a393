import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, LocalBlobStore, readText } from './blob-store.js';
import { SupabaseBlobStore } from './supabase-blob-store.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function readAll(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Text with multi-byte characters and surrogate pairs straddling the slice boundaries. */
const awkward = (chars: number) => 'a😀é'.repeat(Math.ceil(chars / 4)).slice(0, chars);

describe('digest and readText', () => {
  it('should hash and size a result in pieces exactly like a whole-buffer hash when surrogate pairs straddle the pieces', async () => {
    const text = awkward(300_001);
    const pieces = ['**Header**\n\n', text.slice(0, 4097), text.slice(4097)];
    const whole = pieces.join('');
    expect(await digest(pieces)).toEqual({ sha256: sha(whole), sizeBytes: Buffer.byteLength(whole) });
  });

  it('should decode a blob whose chunks cut multi-byte characters in half', async () => {
    const text = awkward(10_001);
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    expect(await readText(Readable.from(chunks))).toBe(text);
  });
});

describe('LocalBlobStore', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('should store content once under its sha256 and stream it back when put twice', async () => {
    const store = new LocalBlobStore(root);
    const text = awkward(200_000);
    const first = await store.put('ws', text);
    const second = await store.put('ws', [text.slice(0, 99_999), text.slice(99_999)]);
    expect(second).toEqual(first);
    expect(first).toMatchObject({
      backend: 'local',
      bucket: null,
      sha256: sha(text),
      key: `ws/${sha(text).slice(0, 2)}/${sha(text)}`,
    });
    expect(await readFile(path.join(root, first.key), 'utf8')).toBe(text);
    expect(await readAll(store.open(first.key))).toBe(text);
    expect(await readdir(path.join(root, 'ws', sha(text).slice(0, 2)))).toEqual([sha(text)]);
    expect(await readdir(path.join(root, 'ws', 'incoming'))).toEqual([]);
  });

  it('should refuse a key that leaves the blob folder', () => {
    expect(() => new LocalBlobStore(root).open('../etc/passwd')).toThrow('invalid blob key');
  });
});

/**
 * A protocol test, not Supabase itself: a local HTTP server implements the two Storage REST
 * routes supabase-js calls (POST /storage/v1/object/<bucket>/<key> to upload, GET … to
 * download) the way Supabase Storage answers them, including 409 for an existing object.
 */
describe('SupabaseBlobStore against a local Storage protocol server', () => {
  let server: Server;
  let url: string;
  const objects = new Map<string, Buffer>();
  const uploads: Array<{
    key: string;
    auth: string | undefined;
    chunked: boolean;
    contentLength: string | undefined;
    largestChunk: number;
  }> = [];

  async function receive(req: IncomingMessage): Promise<{ body: Buffer; largestChunk: number }> {
    const parts: Buffer[] = [];
    let largestChunk = 0;
    for await (const chunk of req) {
      parts.push(chunk as Buffer);
      largestChunk = Math.max(largestChunk, (chunk as Buffer).length);
    }
    return { body: Buffer.concat(parts), largestChunk };
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      void (async () => {
        const match = /^\/storage\/v1\/object\/([^/]+)\/(.+)$/.exec(req.url ?? '');
        const json = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (!match) return json(404, { statusCode: '404', error: 'not_found', message: 'route not found' });
        const key = `${match[1]}/${decodeURIComponent(match[2]!)}`;
        if (req.headers.authorization !== 'Bearer service-key')
          return json(403, { statusCode: '403', error: 'Unauthorized', message: 'invalid signature' });
        if (req.method === 'POST') {
          const { body, largestChunk } = await receive(req);
          uploads.push({
            key,
            auth: req.headers.authorization,
            chunked: req.headers['transfer-encoding'] === 'chunked',
            contentLength: req.headers['content-length'],
            largestChunk,
          });
          if (objects.has(key) && req.headers['x-upsert'] !== 'true')
            return json(400, { statusCode: '409', error: 'Duplicate', message: 'The resource already exists' });
          objects.set(key, body);
          return json(200, { Key: key, Id: createHash('md5').update(key).digest('hex') });
        }
        if (req.method === 'GET') {
          const body = objects.get(key);
          if (!body) return json(400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
          // Sent in pieces, as a real server streams a large object.
          for (let i = 0; i < body.length; i += 1 << 20) res.write(body.subarray(i, i + (1 << 20)));
          return res.end();
        }
        return json(405, { statusCode: '405', error: 'method_not_allowed', message: req.method ?? '' });
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  it('should upload a large result as a chunked stream under its sha256 and download the same bytes', async () => {
    const store = new SupabaseBlobStore({ url, serviceRoleKey: 'service-key', bucket: 'results' });
    const text = awkward(8 * 1024 * 1024);
    const blob = await store.put('ws', text);
    expect(blob).toMatchObject({
      backend: 'supabase',
      bucket: 'results',
      sha256: sha(text),
      sizeBytes: Buffer.byteLength(text),
    });
    const upload = uploads.at(-1)!;
    expect(upload).toMatchObject({
      key: `results/${blob.key}`,
      auth: 'Bearer service-key',
      chunked: true,
      contentLength: undefined,
    });
    // Streamed in slices: no piece is anywhere near the whole result.
    expect(upload.largestChunk).toBeLessThan(Buffer.byteLength(text) / 8);
    expect(objects.get(`results/${blob.key}`)!.equals(Buffer.from(text))).toBe(true);
    expect(await readAll(store.open(blob.key))).toBe(text);
  });

  it('should treat an object that already exists as stored when the same content is put again', async () => {
    const store = new SupabaseBlobStore({ url, serviceRoleKey: 'service-key', bucket: 'results' });
    const first = await store.put('ws', 'same content');
    expect(await store.put('ws', 'same content')).toEqual(first);
  });

  it('should fail with the bucket named when Storage rejects the upload', async () => {
    const store = new SupabaseBlobStore({ url, serviceRoleKey: 'wrong-key', bucket: 'results' });
    await expect(store.put('ws', 'x')).rejects.toThrow(/bucket results failed: invalid signature/);
  });

  it('should end the download stream with an error when the object is missing', async () => {
    const store = new SupabaseBlobStore({ url, serviceRoleKey: 'service-key', bucket: 'results' });
    await expect(readAll(store.open('ws/00/missing'))).rejects.toThrow(/download of ws\/00\/missing failed/);
  });
});
