import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Copies the repository's agents/ to `dir` unless a copy is already there (a restart on the same
 * data folder keeps what the first run wrote). Approving an improvement, deploying a built agent,
 * saving, restoring or retiring in the Workforce all write the agents folder: journeys run on a
 * copy so the repository's agents/ stays untouched.
 */
export async function copyOfAgents(dir: string): Promise<void> {
  if (existsSync(dir)) return;
  await cp(path.join(ROOT, 'agents'), dir, { recursive: true });
}

/** Diff lines end with their newline (so a copied diff keeps its lines). */
export const trimmedLines = (lines: string[]): string[] => lines.map((line) => line.trimEnd());
