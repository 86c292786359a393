import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of packages/core, lowest first (docs/architecture.md, "Layers of packages/core"):
 * code may import its own layer and the layers below it, never one above. Tests may import
 * anything (they drive the code from above); `testing/`, `cli/` and `index.ts` sit on top.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['messages', 'security'],
  ['llm'],
  ['functions'],
  ['registry'],
  ['org', 'routing'],
  ['intent', 'planning'],
  ['delegation'],
  ['workforce'],
  ['execution', 'projects'],
  ['graphs'],
  ['orchestrator'],
  ['cli', 'testing', '.'],
];

const SRC = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

const layerOf = (file: string): number => {
  const top = path.relative(SRC, file).split(path.sep);
  const folder = top.length > 1 ? top[0]! : '.';
  const layer = LAYERS.findIndex((l) => l.includes(folder));
  if (layer < 0) throw new Error(`${folder}/ is in no layer: add it to LAYERS and to docs/architecture.md`);
  return layer;
};

/** `from './x.js'`, `export … from '../y.js'` and `import('./z.js')`: the relative ones, as .ts paths. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g)].map((m) => (m[1] ?? m[2])!);
  return specs.map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
}

function upwardImports(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const target of relativeImports(file)) {
      if (layerOf(target) > layerOf(file))
        found.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`.split(path.sep).join('/'));
    }
  }
  return found.sort();
}

describe('layers of packages/core', () => {
  it('should import only from the same layer or below when the file is not a test', () => {
    expect(upwardImports()).toEqual([]);
  });
});
