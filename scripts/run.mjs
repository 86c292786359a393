#!/usr/bin/env node
// The two Quick start commands (`npm start`, `npm test`) on a machine with only Node ≥ 20.19:
// fetch the pinned pnpm if it is missing, install from the lockfile, build, then run.
import { spawnSync } from 'node:child_process';
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
    if (run('apt-get', ['update', '-qq']) === 0 && run('apt-get', ['install', '-y', '-qq', 'chromium']) === 0 && chromiumPath()) return true;
  }
  return false;
}

const [pnpmCmd, pnpmArgs] = pnpm();
const p = (args, what) => must(pnpmCmd, [...pnpmArgs, ...args], what);
const command = process.argv[2];

p(['install', '--frozen-lockfile', '--reporter=append-only'], 'Installing dependencies');
p(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], 'Building');

if (command === 'start') {
  const status = run(process.execPath, ['apps/api/dist/main.js']);
  process.exit(status);
} else if (command === 'test') {
  p(['exec', 'turbo', 'run', 'test', '--concurrency=1', '--output-logs=full'], 'Unit and integration tests');
  if (!ensureChromium()) {
    if (process.env.SKIP_BROWSER_TESTS === '1') {
      console.warn('\nSKIP_BROWSER_TESTS=1: browser journeys NOT run.');
      process.exit(0);
    }
    console.error('\nChromium is needed for the browser journeys: install it (Debian/Ubuntu: `apt-get install chromium`) or set CHROMIUM_PATH. SKIP_BROWSER_TESTS=1 skips them.');
    process.exit(1);
  }
  p(['--filter', '@orchestrator/web', 'e2e'], 'Browser journeys');
} else {
  console.error('usage: node scripts/run.mjs start|test');
  process.exit(2);
}
