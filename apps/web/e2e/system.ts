import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyOfAgents } from './agents-copy.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunningSystem {
  url: string;
  dataDir: string;
  /** The agents folder it runs on: `AGENTS_DIR` when given, else a copy of agents/ in the data folder. */
  agentsDir: string;
  stop: () => Promise<void>;
  /** Everything the process has printed so far (e.g. the first-run setup link). */
  output: () => string;
  /** SIGKILL, as a crash would: nothing is shut down, the data folder stays. */
  kill: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the built system exactly as `npm start` runs it (API + built web app + embedded
 * Postgres + offline model) in a throwaway data folder, and waits for its "ready" line. It runs on
 * a copy of agents/ unless `env.AGENTS_DIR` names a folder: never on the repository's own.
 */
export async function startSystem(env: Record<string, string> = {}, dataDir?: string): Promise<RunningSystem> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'orch-e2e-')));
  const agentsDir = env.AGENTS_DIR ?? path.join(dir, 'agents');
  if (!env.AGENTS_DIR) await copyOfAgents(agentsDir);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'apps/api/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: '',
      LLM_PROVIDER: 'offline',
      PORT: String(port),
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      ...env,
      AGENTS_DIR: agentsDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`system did not become ready in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Orchestrator is ready: open (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`system exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    dataDir: dir,
    agentsDir,
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
