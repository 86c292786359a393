import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What git sees changed under agents/ (status and diff), or null outside a git checkout. */
function agentsState(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return git('status', '--porcelain', '--untracked-files=all', '--', 'agents') + git('diff', '--', 'agents');
  } catch {
    return null;
  }
}

// Apps under test run on copies of agents/ (this folder's harness.ts; apps/web/e2e/system.ts for
// the browser journeys, whose config uses this file too): a test file that wrote the repository's
// own folder anyway fails. Changes a person made before the run are compared, not refused.
let before: string | null = null;
beforeAll(() => {
  before = agentsState();
});
afterAll(() => {
  const after = agentsState();
  if (before !== null && after !== before)
    throw new Error(`This test file changed the repository's agents/:\n${after?.split('diff --git')[0]}`);
});
