import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { loadFunctionAgent } from '../loader.js';
import { runFunctionAgent } from '../run.js';
import type { FunctionAgentModule, FunctionRunContext, PriorResult } from '../types.js';

const now = new Date('2026-03-01T09:00:00Z');
let agent: FunctionAgentModule;

beforeAll(async () => {
  agent = await loadFunctionAgent(path.join(SHIPPED_AGENTS_DIR, 'operations', 'report_compiler'), { cacheDir: path.join(os.tmpdir(), 'orch-fn-test-cache') });
});

async function compile(task: string, ctx: FunctionRunContext = { now }): Promise<{ markdown: string; data: { sections: Array<{ title: string; anchor: string; summary: string | null }>; appendixTables: number; date: string; title: string } }> {
  const out = await runFunctionAgent(agent, task, ctx);
  if (out.kind !== 'result') throw new Error(`expected a result, got: ${out.question}`);
  return out as never;
}

const headings = (md: string): string[] => md.split('\n').filter((l) => /^#{1,6} /.test(l));

const prior: PriorResult[] = [
  {
    title: 'ROI of the CRM',
    markdown: '### ROI of a 120,000.00 investment over 36 months\n\n**Pays back in 15 months**: NPV 136,346.65 at 8.0 % a year.\n\n| Metric | Value |\n|---|---|\n| ROI | 140.0 % |',
    data: { roiPct: 140, npv: 136_346.65, paybackMonth: 15, inputs: { investment: 120_000, horizonMonths: 36 } },
  },
  { title: 'Hiring status', markdown: '- 4 engineers hired\n- 2 roles open\n- 1 offer declined\n- 1 contractor extended' },
  { title: 'Vendor list', data: [{ vendor: 'AWS', spend: 10_000 }, { vendor: 'Acme | Co', spend: 2_500 }] },
];

describe('report_compiler', () => {
  it('should compile earlier results into title, date, summary, contents, sections and appendix in that order', async () => {
    const { markdown, data } = await compile('Compile the results into a report titled "Q1 review"', { now, priorResults: prior });
    expect(headings(markdown)).toEqual([
      '# Q1 review',
      '## Executive summary',
      '## Contents',
      '## 1. ROI of the CRM',
      '### ROI of a 120,000.00 investment over 36 months',
      '## 2. Hiring status',
      '## 3. Vendor list',
      '## Appendix: data tables',
      '### A.1 ROI of the CRM',
      '### A.2 Vendor list',
    ]);
    expect(markdown).toContain('*Compiled 2026-03-01 from 3 section(s).*');
    // The summary quotes the sections; it does not write its own prose.
    expect(markdown).toContain('- **ROI of the CRM**: **Pays back in 15 months**: NPV 136,346.65 at 8.0 % a year.');
    expect(markdown).toContain('- **Hiring status**: 4 engineers hired; 2 roles open; 1 offer declined');
    expect(markdown).toContain('- **Vendor list**: (no prose in this section; see its tables)');
    expect(markdown).toContain('1. [ROI of the CRM](#1-roi-of-the-crm)');
    expect(markdown).toContain('4. [Appendix: data tables](#appendix-data-tables)');
    expect(markdown).toContain('| inputs.investment | 120000 |');
    expect(markdown).toContain('| Acme \\| Co | 2500 |');
    expect(data).toMatchObject({ title: 'Q1 review', date: '2026-03-01', appendixTables: 2 });
    expect(data.sections.map((s) => s.anchor)).toEqual(['1-roi-of-the-crm', '2-hiring-status', '3-vendor-list']);
  });

  it('should split Markdown sections from the task and take the top heading as the title', async () => {
    const task = 'Please compile:\n# Ops weekly\n## Incidents\nTwo incidents, both resolved within SLA.\n\n```\n## not a heading\n```\n## Shipping\nAll orders shipped on time.';
    const { markdown, data } = await compile(task);
    expect(data.title).toBe('Ops weekly');
    expect(data.sections.map((s) => s.title)).toEqual(['Incidents', 'Shipping']);
    expect(data.sections[0]!.summary).toBe('Two incidents, both resolved within SLA.');
    expect(markdown).toContain('```\n## not a heading\n```');
    expect(markdown).not.toContain('Appendix');
  });

  it('should read sections given as JSON and cut long first paragraphs at a word boundary', async () => {
    const long = `${'word '.repeat(80)}end.`;
    const { data } = await compile(JSON.stringify({ title: 'From JSON', sections: [{ title: 'Long', content: long }, { title: 'Numbers', data: { total: 5 } }] }));
    expect(data.title).toBe('From JSON');
    expect(data.sections[0]!.summary!.endsWith('word…')).toBe(true);
    expect(data.sections[0]!.summary!.length).toBeLessThanOrEqual(281);
    expect(data.appendixTables).toBe(1);
  });

  it('should ask for sections when there is nothing to compile, and report broken JSON', async () => {
    expect(await runFunctionAgent(agent, 'Compile a report', { now })).toMatchObject({ kind: 'needs_input', missing: ['sections'] });
    const broken = await runFunctionAgent(agent, '```json\n[{"title": "A",}]\n```', { now });
    expect(broken.kind === 'needs_input' && broken.question).toMatch(/JSON sections could not be parsed/);
  });
});
