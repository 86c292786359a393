import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { loadFunctionAgent } from '../loader.js';
import { joinResult } from '../result-text.js';
import { runFunctionAgent } from '../run.js';
import type { FunctionAgentModule, FunctionRunOutcome } from '../types.js';

const ctx = { now: new Date('2026-03-01T09:00:00Z') };
let agent: FunctionAgentModule;

beforeAll(async () => {
  agent = await loadFunctionAgent(path.join(SHIPPED_AGENTS_DIR, 'finance', 'budget_rollup'), { cacheDir: path.join(os.tmpdir(), 'orch-fn-test-cache') });
});

const CSV = [
  'Department,Category,Month,Description,Budget,Actual',
  'Sales,Travel,2026-01,"Flights, Q1 kickoff","$12,000.00","13,500"',
  'Sales,Software,2026-01,CRM seats,4000,4000',
  'Engineering,Software,2026-01,Cloud credits,20000,(1500)',
  'Engineering,Salaries,2026-02,Contractors,"€ 30.000,00",31250.5',
  'Sales,Travel,2026-02,Customer visits,8000,',
].join('\n');

interface Group {
  key: string[];
  lines: number;
  budget?: number;
  actual?: number;
  variance?: number;
  variancePct?: number | null;
}
interface RollupData {
  totals: Group;
  groups: Record<string, Group[]>;
  topLines: Array<{ row: number; value: number }>;
  largestVariances: Array<{ row: number; variance: number }>;
}

const result = (out: FunctionRunOutcome): { markdown: string; data: RollupData } => {
  if (out.kind !== 'result') throw new Error(`expected a result, got: ${out.question}`);
  return { markdown: joinResult(out.markdown), data: out.data as RollupData };
};

describe('budget_rollup', () => {
  it('should total budget and actual with quoted cells, currency symbols, separators and negatives in parentheses', async () => {
    const { data, markdown } = result(await runFunctionAgent(agent, `Roll up this budget, please:\n\`\`\`csv\n${CSV}\n\`\`\``, ctx));
    expect(data.totals).toEqual({ lines: 5, budget: 74_000, actual: 47_250.5, variance: -26_749.5, variancePct: -36.15 });
    expect(Object.keys(data.groups)).toEqual(['Department', 'Category', 'Month']);
    expect(data.groups.Department).toEqual([
      { key: ['Engineering'], lines: 2, budget: 50_000, actual: 29_750.5, variance: -20_249.5, variancePct: -40.5 },
      { key: ['Sales'], lines: 3, budget: 24_000, actual: 17_500, variance: -6_500, variancePct: -27.08 },
    ]);
    // Months keep the order of the file.
    expect(data.groups.Month!.map((g) => g.key[0])).toEqual(['2026-01', '2026-02']);
    expect(data.topLines[0]).toEqual({ row: 4, label: 'Contractors', value: 31_250.5 });
    expect(data.largestVariances[0]).toEqual({ row: 3, label: 'Cloud credits', variance: -21_500 });
    expect(markdown).toContain('| **Total** | 5 | 74,000.00 | 47,250.50 | -26,749.50 | -36.1 % |');
    expect(markdown).toContain('1 blank amount cell(s) were counted as 0.');
  });

  it('should group only by the dimensions asked for, with a combined table for two', async () => {
    const { data } = result(await runFunctionAgent(agent, `Give me totals by department and month\n${CSV}\nThanks`, ctx));
    expect(Object.keys(data.groups)).toEqual(['Department', 'Month', 'Department × Month']);
    expect(data.groups['Department × Month']!.find((g) => g.key.join('/') === 'Sales/2026-01')).toMatchObject({ lines: 2, budget: 16_000, actual: 17_500, variance: 1_500 });
  });

  it('should roll up a single amount column from semicolon-separated raw lines', async () => {
    const task = 'Sum this spend per cost center:\nCost center;Amount\nCC-10;1.250,50\nCC-20;300\nCC-10;-50\n';
    const { data, markdown } = result(await runFunctionAgent(agent, task, ctx));
    expect(data.totals).toEqual({ lines: 3, amount: 1_500.5 });
    expect(data.groups['Cost center']).toEqual([
      { key: ['CC-10'], lines: 2, amount: 1_200.5 },
      { key: ['CC-20'], lines: 1, amount: 300 },
    ]);
    expect(markdown).not.toContain('Variance');
  });

  it('should name the row, line and column of a cell that is not a number', async () => {
    const out = await runFunctionAgent(agent, '```csv\nDepartment,Budget\nSales,100\nOps,12x\n```', ctx);
    expect(out).toMatchObject({ kind: 'needs_input', missing: ['csv'] });
    expect(out.kind === 'needs_input' && out.question).toContain('row 2 (line 3), column "Budget": "12x" is not a number');
  });

  it('should report ragged rows and unclosed quotes', async () => {
    const ragged = await runFunctionAgent(agent, '```csv\nDepartment,Category,Budget\nSales,Travel,100\nOps,200\n```', ctx);
    expect(ragged.kind === 'needs_input' && ragged.question).toContain('row 2 (line 3) has 2 fields but the header has 3');
    const unclosed = await runFunctionAgent(agent, '```csv\nDepartment,Budget\n"Sales,100\n```', ctx);
    expect(unclosed.kind === 'needs_input' && unclosed.question).toMatch(/line 2: a quoted field is never closed/);
  });

  it('should ask for the amount column or the CSV when it cannot find them', async () => {
    const noAmount = await runFunctionAgent(agent, '```csv\nDepartment,Owner\nSales,Ann\n```', ctx);
    expect(noAmount).toMatchObject({ kind: 'needs_input', missing: ['amount column'] });
    expect(noAmount.kind === 'needs_input' && noAmount.question).toContain('I found: Department, Owner');
    expect(await runFunctionAgent(agent, 'Roll up our budget', ctx)).toMatchObject({ kind: 'needs_input', missing: ['csv'] });
  });
});
