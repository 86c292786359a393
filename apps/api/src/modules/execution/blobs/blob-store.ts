import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { resultChunks, type ResultText } from '@orchestrator/core';

export type BlobBackend = 'local' | 'supabase';

export interface StoredBlob {
  backend: BlobBackend;
  /** Set for Supabase Storage (project_data_storage requires it there), null for the local folder. */
  bucket: string | null;
  key: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Where large step results live: content-addressed by sha256, written once. A result
 * arrives as the agent's text, already in memory once; stores serialise it in slices with the
 * event loop free in between (resultChunks), hash it as it streams and never build a second whole
 * copy. Graph state and step rows keep only the key (docs/performance.md, "Large step results").
 */
export interface BlobStore {
  readonly backend: BlobBackend;
  put(workspaceId: string, content: ResultText): Promise<StoredBlob>;
  /** Streams a blob: large results are never loaded into memory whole. Errors arrive on the stream. */
  open(key: string): Readable;
}

/** Passes the chunks on while hashing and counting them: one pass over the result does both. */
export function hashing(chunks: AsyncIterable<Buffer>): {
  chunks: AsyncGenerator<Buffer>;
  digest: () => { sha256: string; sizeBytes: number };
} {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  return {
    chunks: (async function* () {
      for await (const chunk of chunks) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        yield chunk;
      }
    })(),
    digest: () => ({ sha256: hash.digest('hex'), sizeBytes }),
  };
}

/** sha256 and UTF-8 size of a result, in slices (a store that must name the blob before writing it). */
export async function digest(content: ResultText): Promise<{ sha256: string; sizeBytes: number }> {
  const pass = hashing(resultChunks(content));
  for await (const _chunk of pass.chunks);
  return pass.digest();
}

/** A blob as text, for a step that builds on it: decoded as it streams, joined once at the end. */
export async function readText(blob: Readable): Promise<string> {
  const decoder = new StringDecoder('utf8');
  const pieces: string[] = [];
  for await (const chunk of blob) pieces.push(decoder.write(chunk as Buffer));
  pieces.push(decoder.end());
  return pieces.join('');
}

export const blobKey = (workspaceId: string, sha256: string) =>
  path.posix.join(workspaceId, sha256.slice(0, 2), sha256);

export function assertSafeKey(key: string): void {
  if (key.includes('..') || key.startsWith('/') || key.includes('\\')) throw new Error('invalid blob key');
}

/** Blobs under DATA_DIR/blobs, written via a temp file and rename so a crash never leaves half a blob. */
export class LocalBlobStore implements BlobStore {
  readonly backend = 'local' as const;

  constructor(private readonly root: string) {}

  /**
   * One pass: the result streams into a temporary file while it is hashed, then the file is renamed
   * to its sha256 (over an existing blob of the same content, which is the same bytes).
   */
  async put(workspaceId: string, content: ResultText): Promise<StoredBlob> {
    const incoming = path.join(this.root, workspaceId, 'incoming');
    await mkdir(incoming, { recursive: true });
    const tmp = path.join(incoming, `${randomUUID()}.tmp`);
    try {
      const pass = hashing(resultChunks(content));
      await pipeline(pass.chunks, createWriteStream(tmp));
      const { sha256, sizeBytes } = pass.digest();
      const key = blobKey(workspaceId, sha256);
      const file = path.join(this.root, key);
      await mkdir(path.dirname(file), { recursive: true });
      await rename(tmp, file);
      return { backend: 'local', bucket: null, key, sizeBytes, sha256 };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  open(key: string): Readable {
    assertSafeKey(key);
    return createReadStream(path.join(this.root, key));
  }
}
