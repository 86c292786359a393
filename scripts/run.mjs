#!/usr/bin/env node
// The two Quick start commands (`npm start`, `npm test`) on a machine with only Node ≥ 20.19:
// fetch the pinned pnpm if it is missing, install from the lockfile, build, then run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.21.0';
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' };

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(cmd, args, what) {
  const status = run(cmd, args);
  if (status !== 0) {
    console.error(`\n${what} failed (exit ${status}).`);
    process.exit(status);
  }
}

function pnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
  if (probe.status === 0 && probe.stdout.trim().startsWith('12.')) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return candidates.find((p) => existsSync(p));
}

/** Browser journeys need Debian's Chromium; install it when we can (root + apt), else say how. */
function ensureChromium() {
  if (chromiumPath()) return true;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('Installing Chromium for the browser tests (apt-get install chromium)…');
    if (
      run('apt-get', ['update', '-qq']) === 0 &&
      run('apt-get', ['install', '-y', '-qq', 'chromium']) === 0 &&
      chromiumPath()
    )
      return true;
  }
  return false;
}

/** Totals over every vitest summary ("Tests  12 passed | 1 failed") seen in the output. */
const totals = { passed: 0, failed: 0, skipped: 0 };
function count(line) {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
  const m = /^(?:\S+:\s+)?\s*Tests\s+(.*)$/.exec(plain);
  if (!m || /Test Files/.test(plain)) return;
  for (const [, n, what] of m[1].matchAll(/(\d+) (passed|failed|skipped)/g)) totals[what] += Number(n);
}

/** Runs a test step, echoing its output while counting results. */
function runCounted(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const onData = (stream) => (chunk) => {
      stream.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(count);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('close', (code) => {
      count(pending);
      resolve(code ?? 1);
    });
  });
}

/** The one closing line CI reads, then the exit code. */
function finish(status) {
  console.log(
    `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
  );
  process.exit(status !== 0 ? status : totals.failed > 0 ? 1 : 0);
}

const [pnpmCmd, pnpmArgs] = pnpm();
const p = (args, what) => must(pnpmCmd, [...pnpmArgs, ...args], what);
const command = process.argv[2];

p(['install', '--frozen-lockfile', '--reporter=append-only'], 'Installing dependencies');
p(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], 'Building');

if (command === 'start') {
  // The server gets a process group of its own: Ctrl-C in a terminal signals the whole foreground
  // group, the embedded Postgres included, which would stop before the work that uses it. The
  // signal is passed on to the server alone, which stops its work first and its database last.
  const server = spawn(process.execPath, ['apps/api/dist/main.js'], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else if (command === 'test') {
  // Lint and formatting first: a red style check fails the run like a failing test.
  p(['run', 'lint'], 'Lint and format check (`pnpm format` fixes formatting)');
  const unit = await runCounted(pnpmCmd, [
    ...pnpmArgs,
    'exec',
    'turbo',
    'run',
    'test',
    '--concurrency=1',
    '--output-logs=full',
  ]);
  if (unit !== 0) finish(unit);
  if (!ensureChromium()) {
    if (process.env.SKIP_BROWSER_TESTS === '1') {
      console.warn('\nSKIP_BROWSER_TESTS=1: browser journeys NOT run.');
      finish(0);
    }
    console.error(
      '\nChromium is needed for the browser journeys: install it (Debian/Ubuntu: `apt-get install chromium`) or set CHROMIUM_PATH. SKIP_BROWSER_TESTS=1 skips them.',
    );
    finish(1);
  }
  finish(await runCounted(pnpmCmd, [...pnpmArgs, '--filter', '@orchestrator/web', 'e2e']));
} else if (command === 'test:db') {
  // The database-backed suites against an existing server (CI: the machine's PostgreSQL).
  if (!process.env.TEST_DATABASE_URL) {
    console.error('TEST_DATABASE_URL must name an existing Postgres server for test:db');
    process.exit(2);
  }
  finish(
    await runCounted(pnpmCmd, [
      ...pnpmArgs,
      'exec',
      'turbo',
      'run',
      'test',
      '--filter=@orchestrator/db',
      '--filter=@orchestrator/api',
      '--concurrency=1',
      '--output-logs=full',
    ]),
  );
} else {
  console.error('usage: node scripts/run.mjs start|test|test:db');
  process.exit(2);
}
