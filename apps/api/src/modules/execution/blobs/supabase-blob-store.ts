import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createClient } from '@supabase/supabase-js';
import { resultChunks, type ResultText } from '@orchestrator/core';
import WebSocket from 'ws';
import type { AppConfig } from '../../../config/env.js';
import { assertSafeKey, blobKey, digest, LocalBlobStore, type BlobStore, type StoredBlob } from './blob-store.js';

export interface SupabaseBlobOptions {
  url: string;
  serviceRoleKey: string;
  bucket: string;
}

/** Storage answers an upload of an existing object with 409 ("Duplicate"): for content-addressed keys that is success. */
function isDuplicate(error: { message?: string; status?: unknown; statusCode?: unknown }): boolean {
  return (
    error.status === 409 || String(error.statusCode) === '409' || /duplicate|already exists/i.test(error.message ?? '')
  );
}

/**
 * Large results in Supabase Storage through @supabase/supabase-js (a private bucket that must
 * exist; the service-role key bypasses RLS, so it stays on the server). The key is the content's
 * sha256, so the result is serialised twice: once to hash it, once to upload it in slices (sent
 * chunked, never copied whole), both with the event loop free between slices. Downloads stream
 * the response body through.
 */
export class SupabaseBlobStore implements BlobStore {
  readonly backend = 'supabase' as const;
  private readonly storage;

  constructor(private readonly options: SupabaseBlobOptions) {
    const client = createClient(options.url, options.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      // supabase-js builds a Realtime client eagerly and Node 20 has no global WebSocket; it is never connected here.
      realtime: { transport: WebSocket as never },
    });
    this.storage = client.storage.from(options.bucket);
  }

  async put(workspaceId: string, content: ResultText): Promise<StoredBlob> {
    const { sha256, sizeBytes } = await digest(content);
    const key = blobKey(workspaceId, sha256);
    const body = Readable.from(resultChunks(content));
    const { error } = await this.storage.upload(key, body, {
      contentType: 'application/octet-stream',
      upsert: false,
      duplex: 'half',
    });
    if (error && !isDuplicate(error as { message?: string; status?: unknown; statusCode?: unknown })) {
      throw new Error(`Supabase Storage upload of ${key} to bucket ${this.options.bucket} failed: ${error.message}`);
    }
    return { backend: 'supabase', bucket: this.options.bucket, key, sizeBytes, sha256 };
  }

  open(key: string): Readable {
    assertSafeKey(key);
    const out = new PassThrough();
    void (async () => {
      const { data, error } = await this.storage.download(key).asStream();
      if (error || !data) throw new Error(`Supabase Storage download of ${key} failed: ${error?.message ?? 'no body'}`);
      Readable.fromWeb(data as unknown as WebReadableStream<Uint8Array>)
        .on('error', (err) => out.destroy(err))
        .pipe(out);
    })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
    return out;
  }
}

/** BLOB_STORE picks the backend; local is the default and needs nothing. */
export function createBlobStore(config: AppConfig): BlobStore {
  const { BLOB_STORE, SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_BUCKET } = config.env;
  if (BLOB_STORE === 'supabase')
    return new SupabaseBlobStore({
      url: SUPABASE_URL!,
      serviceRoleKey: SUPABASE_SERVICE_ROLE_KEY!,
      bucket: SUPABASE_BUCKET,
    });
  return new LocalBlobStore(`${config.dataDir}/blobs`);
}
