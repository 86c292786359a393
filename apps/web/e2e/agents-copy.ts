import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Saves write agents/ on disk: journeys that save work on a copy, so the repository stays untouched. */
export async function copyOfAgents(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-e2e-agents-'));
  await cp(path.join(ROOT, 'agents'), dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Diff lines end with their newline (so a copied diff keeps its lines). */
export const trimmedLines = (lines: string[]): string[] => lines.map((line) => line.trimEnd());
