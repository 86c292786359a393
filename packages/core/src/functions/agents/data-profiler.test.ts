import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { loadFunctionAgent } from '../loader.js';
import { joinResult } from '../result-text.js';
import { runFunctionAgent } from '../run.js';
import type { FunctionAgentModule } from '../types.js';

const ctx = { now: new Date('2026-03-01T09:00:00Z') };
let agent: FunctionAgentModule;

beforeAll(async () => {
  agent = await loadFunctionAgent(path.join(SHIPPED_AGENTS_DIR, 'engineering', 'data_profiler'), { cacheDir: path.join(os.tmpdir(), 'orch-fn-test-cache') });
});

interface Profile {
  column: string;
  type: string;
  count: number;
  missing: number;
  distinct: number;
  min?: number | string;
  max?: number | string;
  mean?: number;
  median?: number;
  std?: number | null;
  p25?: number;
  p75?: number;
  top?: Array<{ value: string; count: number }>;
  nonNumeric?: number;
}

async function profile(task: string): Promise<{ markdown: string; columns: Record<string, Profile>; rows: number }> {
  const out = await runFunctionAgent(agent, task, ctx);
  if (out.kind !== 'result') throw new Error(`expected a result, got: ${out.question}`);
  const data = out.data as { rows: number; columns: Profile[] };
  return { markdown: joinResult(out.markdown), rows: data.rows, columns: Object.fromEntries(data.columns.map((c) => [c.column, c])) };
}

const CSV = ['id,name,age,score,joined,active', '1,"Smith, Ann",34,88.5,2024-01-03,yes', '2,Bob,NA,92,2024-02-10,no', '3,Cleo,29,"1,000",2024-03-15,yes', '4,Dan,41,75.25,2024-01-20,yes'].join('\n');

describe('data_profiler', () => {
  it('should infer types and compute statistics for a CSV', async () => {
    const { columns, rows, markdown } = await profile(`Profile this, please:\n\`\`\`csv\n${CSV}\n\`\`\``);
    expect(rows).toBe(4);
    expect(columns.id).toMatchObject({ type: 'integer', count: 4, missing: 0, distinct: 4, min: 1, max: 4, mean: 2.5, median: 2.5, p25: 1.75, p75: 3.25 });
    expect(columns.id!.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(columns.age).toMatchObject({ type: 'integer', count: 3, missing: 1, min: 29, max: 41, median: 34, p25: 31.5, p75: 37.5 });
    expect(columns.age!.mean).toBeCloseTo(104 / 3, 12);
    // "1,000" is a number with a thousands separator.
    expect(columns.score).toMatchObject({ type: 'number', max: 1000, median: 90.25 });
    expect(columns.joined).toMatchObject({ type: 'date', min: '2024-01-03', max: '2024-03-15' });
    expect(columns.active).toMatchObject({ type: 'boolean', top: [{ value: 'yes', count: 3 }, { value: 'no', count: 1 }] });
    expect(columns.name).toMatchObject({ type: 'text', distinct: 4 });
    expect(markdown).toContain('| age | integer | 3 | 1 | 3 | 29 | 41 | 34.6667 | 34 | 6.0277 | 31.5 | 37.5 |');
    expect(markdown).toContain('`age`: 1 of 4 values missing (25.0 %).');
  });

  it('should profile a JSON array of objects with missing keys, nulls and nested values', async () => {
    const { columns, markdown } = await profile('Describe [{"city":"Paris","pop":2.1,"tags":["a"]},{"city":"Rome","pop":2.8},{"city":"Paris","pop":null,"x":null}]');
    expect(Object.keys(columns)).toEqual(['city', 'pop', 'tags', 'x']);
    expect(columns.city).toMatchObject({ type: 'text', top: [{ value: 'Paris', count: 2 }, { value: 'Rome', count: 1 }] });
    expect(columns.pop).toMatchObject({ type: 'number', count: 2, missing: 1, mean: 2.45 });
    expect(columns.tags).toMatchObject({ type: 'text', top: [{ value: '["a"]', count: 1 }] });
    expect(columns.x).toMatchObject({ type: 'empty', count: 0, missing: 3 });
    expect(markdown).toContain('`x` has no values.');
  });

  it('should flag a mostly numeric column with stray text and profile a single-value array', async () => {
    const { columns, markdown } = await profile('```json\n{"items": [{"v": 1}, {"v": 2}, {"v": "two"}, {"v": 4}]}\n```');
    expect(columns.v).toMatchObject({ type: 'text', nonNumeric: 1 });
    expect(markdown).toContain('`v` is mostly numeric but has 1 non-numeric value(s)');
    const single = await profile('[5]');
    expect(single.columns.value).toMatchObject({ type: 'integer', count: 1, mean: 5, std: null });
  });

  it('should name the JSON line and column of a syntax error', async () => {
    const out = await runFunctionAgent(agent, '```json\n[\n  {"a": 1},\n  {"a": 2,}\n]\n```', ctx);
    expect(out).toMatchObject({ kind: 'needs_input', missing: ['data'] });
    expect(out.kind === 'needs_input' && out.question).toMatch(/invalid JSON at line 3, column 11/);
  });

  it('should reject ragged CSV rows and mixed JSON items with their position', async () => {
    const ragged = await runFunctionAgent(agent, 'a,b,c\n1,2,3\n4,5\n', ctx);
    expect(ragged.kind === 'needs_input' && ragged.question).toContain('row 2 (line 3) has 2 fields but the header has 3');
    const mixed = await runFunctionAgent(agent, '[{"a": 1}, 7]', ctx);
    expect(mixed.kind === 'needs_input' && mixed.question).toContain('item 2 is 7, but the other items are objects');
    expect(await runFunctionAgent(agent, 'Profile my data', ctx)).toMatchObject({ kind: 'needs_input', missing: ['data'] });
  });
});
