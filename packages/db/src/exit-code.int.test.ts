import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.js';

// Alone in its file: the package is loaded here for the first time in this worker.
describe('embedded Postgres and the exit code', () => {
  it("should add no 'beforeExit' handler (which would end the process with code 0) when it starts and stops", async () => {
    const before = process.listeners('beforeExit');
    const parent = await mkdtemp(path.join(os.tmpdir(), 'orch-exit-code-'));
    try {
      const server = await startEmbeddedPostgres({ dataDir: path.join(parent, 'data'), ephemeral: true });
      await server.stop();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
    expect(process.listeners('beforeExit')).toEqual(before);
  });
});
