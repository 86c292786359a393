import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.js';

type Listener = (...args: unknown[]) => void;
const added = (now: Listener[], before: Listener[]) => now.filter((listener) => !before.includes(listener));

// Alone in its file: the package is loaded here for the first time in this worker.
describe('embedded Postgres and the exit of the process', () => {
  it("should leave the exit code alone: no 'beforeExit' handler, one synchronous 'exit' handler that signals running postmasters and is harmless when none runs", async () => {
    const beforeExit = process.listeners('beforeExit') as Listener[];
    const exit = process.listeners('exit') as Listener[];
    const parent = await mkdtemp(path.join(os.tmpdir(), 'orch-exit-code-'));
    const start = () =>
      startEmbeddedPostgres({
        dataDir: path.join(parent, 'data'),
        ephemeral: true,
        restart: { attempts: 1, firstDelayMs: 60_000 },
      });
    try {
      await (await start()).stop();
      expect(added(process.listeners('beforeExit') as Listener[], beforeExit)).toEqual([]);
      const onExit = added(process.listeners('exit') as Listener[], exit);
      expect(onExit).toHaveLength(1);
      // The package's own 'exit' hook, run once no server runs, rejected with "done is not a function".
      onExit[0]!();
      await new Promise((resolve) => setTimeout(resolve, 100));

      const server = await start();
      const postmaster = Number((await readFile(path.join(parent, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      onExit[0]!();
      await expect.poll(() => alive(postmaster), { timeout: 10_000 }).toBe(false);
      await server.stop();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
