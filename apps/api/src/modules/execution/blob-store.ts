import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface StoredBlob {
  backend: 'local';
  key: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Large step results, content-addressed under DATA_DIR/blobs (written once, via a temp file and
 * rename so a crash never leaves a half-written blob). Graph state and step rows keep only the key.
 */
export class LocalBlobStore {
  constructor(private readonly root: string) {}

  async put(workspaceId: string, content: Buffer): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    const key = path.posix.join(workspaceId, sha256.slice(0, 2), sha256);
    const file = path.join(this.root, key);
    const exists = await stat(file).then(() => true, () => false);
    if (!exists) {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, content);
      await rename(tmp, file);
    }
    return { backend: 'local', key, sizeBytes: content.length, sha256 };
  }

  /** Streams a blob: large results are never loaded into memory whole. */
  open(key: string): Readable {
    if (key.includes('..')) throw new Error('invalid blob key');
    return createReadStream(path.join(this.root, key));
  }
}
