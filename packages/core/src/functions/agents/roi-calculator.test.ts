import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { loadFunctionAgent } from '../loader.js';
import { joinResult } from '../result-text.js';
import { functionAgentContext, runFunctionAgent } from '../run.js';
import type { FunctionAgentModule } from '../types.js';

const ctx = functionAgentContext({ now: new Date('2026-03-01T09:00:00Z') });
let agent: FunctionAgentModule;

beforeAll(async () => {
  agent = await loadFunctionAgent(path.join(SHIPPED_AGENTS_DIR, 'finance', 'roi_calculator'), { cacheDir: path.join(os.tmpdir(), 'orch-fn-test-cache') });
});

/** Closed-form annuity NPV, independent of the agent's month-by-month loop. */
const annuityNpv = (investment: number, monthly: number, months: number, annualPct: number): number => {
  const r = (1 + annualPct / 100) ** (1 / 12) - 1;
  return -investment + (monthly * (1 - (1 + r) ** -months)) / r;
};

async function parsed(task: string): Promise<Record<string, unknown>> {
  const out = await agent.parseTask(task, ctx);
  if (!('input' in out)) throw new Error(`expected an input, got the question: ${out.question}`);
  return out.input;
}

interface RoiData {
  roiPct: number;
  npv: number;
  paybackMonth: number | null;
  breakEvenMonth: number | null;
  netGain: number;
  totalBenefit: number;
  discountRateAssumed: boolean;
  irrPct: number | null;
}

async function compute(task: string): Promise<{ markdown: string; data: RoiData }> {
  const out = await runFunctionAgent(agent, task, ctx);
  if (out.kind !== 'result') throw new Error(`expected a result, got: ${out.question}`);
  return { markdown: joinResult(out.markdown), data: out.data as RoiData };
}

describe('roi_calculator parseTask', () => {
  it('should read the canonical example', async () => {
    expect(await parsed('Calculate the ROI of a 120k tool that saves 8k a month over 3 years')).toEqual({ investment: 120_000, monthlySavings: 8_000, horizonMonths: 36 });
  });

  it('should read currency symbols, millions, weekly amounts and an explicit discount rate', async () => {
    expect(await parsed('Is a $1.2M warehouse robot worth it if it saves 2.5k/week over 18 months, discount rate 10%?')).toEqual({
      investment: 1_200_000,
      monthlySavings: 10_833.33,
      horizonMonths: 18,
      discountRatePct: 10,
      currency: 'USD',
    });
  });

  it('should read thousands separators, a year as the horizon and running costs', async () => {
    expect(await parsed('We pay €45,000 up front for a CRM that costs 500 a month to run and brings 6,000 in revenue per month; evaluate it over a year.')).toEqual({
      investment: 45_000,
      monthlyRunningCost: 500,
      monthlySavings: 6_000,
      horizonMonths: 12,
      currency: 'EUR',
    });
  });

  it('should turn annual savings and a total saving over the horizon into monthly amounts', async () => {
    expect(await parsed('Investment of 50k with annual savings of 24k, 5-year horizon, at a 12% hurdle rate')).toEqual({ investment: 50_000, monthlySavings: 2_000, horizonMonths: 60, discountRatePct: 12 });
    expect(await parsed('A 30k upgrade saves 90k over 3 years in total')).toMatchObject({ investment: 30_000, monthlySavings: 2_500, horizonMonths: 36 });
  });

  it('should tell a running cost from a saving by the nearest wording', async () => {
    expect(await parsed('A 5k tool costs 500 a month to run and brings 6,000 in revenue per month for 2 years')).toEqual({ investment: 5_000, monthlyRunningCost: 500, monthlySavings: 6_000, horizonMonths: 24 });
    expect(await parsed('A 40k migration reduces hosting costs by 3k a month over 2 years')).toEqual({ investment: 40_000, monthlySavings: 3_000, horizonMonths: 24 });
    expect(await parsed('Tool price: 12,000 USD. Monthly savings: 1,500. Horizon: 24 months.')).toEqual({ investment: 12_000, monthlySavings: 1_500, horizonMonths: 24, currency: 'USD' });
  });

  it('should not take a calendar year for an amount', async () => {
    expect(await parsed('In 2026 we buy a 20k machine that saves 1k a month over 2 years')).toEqual({ investment: 20_000, monthlySavings: 1_000, horizonMonths: 24 });
  });

  it('should ask a specific question naming what is missing', async () => {
    const noSavings = await agent.parseTask('What is the ROI of a 120k tool over 3 years?', ctx);
    expect(noSavings).toMatchObject({ missing: ['monthlySavings'] });
    expect('question' in noSavings && noSavings.question).toMatch(/how much it saves or earns per month.*investment 120,000\.00.*36 months/);
    const nothing = await agent.parseTask('Is this investment worth it?', ctx);
    expect(nothing).toMatchObject({ missing: ['investment', 'monthlySavings', 'horizonMonths'] });
  });

  it('should accept a structured JSON input', async () => {
    expect(await parsed('{"investment": 10000, "annualSavings": 6000, "horizonMonths": 24}')).toEqual({ investment: 10_000, annualSavings: 6_000, horizonMonths: 24 });
  });
});

describe('roi_calculator run', () => {
  it('should give ROI 140 %, payback month 15 and the NPV at 8 % to the cent for the canonical example', async () => {
    const { data, markdown } = await compute('Calculate the ROI of a 120k tool that saves 8k a month over 3 years');
    expect(data.totalBenefit).toBe(288_000);
    expect(data.netGain).toBe(168_000);
    expect(data.roiPct).toBe(140);
    expect(data.paybackMonth).toBe(15);
    expect(data.discountRateAssumed).toBe(true);
    const expected = Math.round(annuityNpv(120_000, 8_000, 36, 8) * 100) / 100;
    expect(data.npv).toBe(expected);
    expect(data.npv).toBe(136_346.65);
    // Discounted break-even comes after the simple payback.
    expect(data.breakEvenMonth).toBe(16);
    expect(data.irrPct).toBe(96.42);
    expect(markdown).toContain('| ROI | 140.0 % |');
    expect(markdown).toContain('| Payback | 15 months |');
    expect(markdown).toContain('| Break-even (discounted) | 16 months |');
    expect(markdown).toContain('**Pays back in 15 months**');
    expect(markdown).toMatch(/8\.0 % a year, assumed/);
  });

  it('should net running costs and say plainly when it does not pay back', async () => {
    const { data, markdown } = await compute('A 100k system saving 3k a month with running costs of 1k a month over 2 years, discount rate 10%');
    expect(data.netGain).toBe(-52_000);
    expect(data.roiPct).toBe(-52);
    expect(data.paybackMonth).toBeNull();
    expect(data.npv).toBe(Math.round(annuityNpv(100_000, 2_000, 24, 10) * 100) / 100);
    expect(markdown).toContain('Does not pay back within 24 months');
    expect(markdown).toContain('| Payback | not within 24 months |');
  });

  it('should name the field when structured input is invalid', async () => {
    const out = await runFunctionAgent(agent, '{"investment": -5, "monthlySavings": 100, "horizonMonths": 12}', ctx);
    expect(out).toMatchObject({ kind: 'needs_input', missing: ['investment'] });
  });
});
