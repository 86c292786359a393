import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
 * Where large step results live (SPEC §3.5): content-addressed by sha256, written once. A result
 * arrives as the agent's string, already in memory once; stores read it in slices (hash, then
 * stream out) and never build a second whole copy. Graph state and step rows keep only the key.
 */
export interface BlobStore {
  readonly backend: BlobBackend;
  put(workspaceId: string, content: string | Buffer): Promise<StoredBlob>;
  /** Streams a blob: large results are never loaded into memory whole. Errors arrive on the stream. */
  open(key: string): Readable;
}

/** Characters per slice: about 64 kB of UTF-8 or more, small next to a 100 MB result. */
const SLICE = 64 * 1024;

/** UTF-8 slices of a string without copying it whole; a surrogate pair is never split. */
export function* utf8Slices(content: string | Buffer): Generator<Buffer> {
  if (Buffer.isBuffer(content)) {
    for (let i = 0; i < content.length; i += SLICE) yield content.subarray(i, i + SLICE);
    return;
  }
  for (let i = 0; i < content.length;) {
    let end = Math.min(i + SLICE, content.length);
    const last = content.charCodeAt(end - 1);
    if (end < content.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield Buffer.from(content.slice(i, end), 'utf8');
    i = end;
  }
}

/** sha256 and byte size in one pass over the slices. */
export function digest(content: string | Buffer): { sha256: string; sizeBytes: number } {
  const hash = createHash('sha256');
  for (const slice of utf8Slices(content)) hash.update(slice);
  return {
    sha256: hash.digest('hex'),
    sizeBytes: Buffer.isBuffer(content) ? content.length : Buffer.byteLength(content, 'utf8'),
  };
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

  async put(workspaceId: string, content: string | Buffer): Promise<StoredBlob> {
    const { sha256, sizeBytes } = digest(content);
    const key = blobKey(workspaceId, sha256);
    const file = path.join(this.root, key);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        await pipeline(Readable.from(utf8Slices(content)), createWriteStream(tmp));
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    }
    return { backend: 'local', bucket: null, key, sizeBytes, sha256 };
  }

  open(key: string): Readable {
    assertSafeKey(key);
    return createReadStream(path.join(this.root, key));
  }
}
