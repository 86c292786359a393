import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyOfAgents } from './harness.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** What every test server starts with: offline, quiet, no web app, no agents/ watcher, fast retries. */
const DEFAULTS: Record<string, string> = {
  PORT: '0',
  LOG_LEVEL: 'warn',
  LLM_PROVIDER: 'offline',
  OFFLINE_STREAM_DELAY_MS: '0',
  // Tests send far more than a person would; the limits have their own test.
  RATE_LIMIT_PER_MINUTE: '1000000',
  CHAT_RATE_LIMIT_PER_MINUTE: '100000',
  WEB_DIST_DIR: '/nonexistent',
  AGENTS_WATCH: 'false',
  STEP_BACKOFF_BASE_MS: '1',
};

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process has printed so far. */
  output: () => string;
  /** Its exit code once it has exited (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** One copy of agents/ per test file, shared by the servers it starts (a restart finds its agents as it left them). */
let agents: Promise<string> | undefined;

/**
 * The real server process, as `npm start` runs it, once it prints that it is ready. `env`
 * overrides the defaults; a key set to undefined is removed (e.g. DATABASE_URL, for the
 * embedded Postgres).
 */
export async function startServerProcess(env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    ...DEFAULTS,
    AGENTS_DIR: await (agents ??= copyOfAgents()),
    ...env,
  };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, [MAIN], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1'), output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

/** Sends `signal` to the process and resolves once it has exited. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
