import type { FunctionAgentModule, ParseTaskOutcome } from '@orchestrator/core';

// No runtime imports: this module is loaded from the agents folder at run time (see loader.ts).

export interface RoiInput {
  investment: number;
  monthlySavings?: number;
  annualSavings?: number;
  horizonMonths: number;
  discountRatePct?: number;
  monthlyRunningCost?: number;
  currency?: string;
}

const DEFAULT_RATE_PCT = 8;
const NUM_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
const MULT: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, mn: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };
const CURRENCY: Record<string, string> = { $: 'USD', usd: 'USD', dollar: 'USD', dollars: 'USD', '€': 'EUR', eur: 'EUR', euro: 'EUR', euros: 'EUR', '£': 'GBP', gbp: 'GBP', pounds: 'GBP', '¥': 'JPY', chf: 'CHF' };
/** Months per unit, to turn a horizon into months. */
const UNIT_MONTHS: Record<string, number> = { y: 12, yr: 12, year: 12, month: 1, mo: 1, week: 12 / 52, wk: 12 / 52, quarter: 3, qtr: 3 };
/** Factor from an amount per unit to an amount per month (weeks: 52 a year; days: 365 a year). */
const PER_MONTH: Record<string, number> = { month: 1, mo: 1, monthly: 1, week: 52 / 12, wk: 52 / 12, weekly: 52 / 12, year: 1 / 12, yr: 1 / 12, annum: 1 / 12, annual: 1 / 12, annually: 1 / 12, yearly: 1 / 12, quarter: 1 / 3, qtr: 1 / 3, quarterly: 1 / 3, day: 365 / 12, daily: 365 / 12 };

const NUM = String.raw`(\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const UNIT = String.raw`(years?|yrs?|y|months?|mos?|weeks?|wks?|quarters?|qtrs?)`;
const HORIZON_RES = [
  new RegExp(String.raw`\b(?:over|for|across|within|during|horizon(?:\s+of)?|period(?:\s+of)?|lifetime(?:\s+of)?)\s*[:=]?\s*(?:the\s+(?:next|first)\s+)?${NUM}\s*[- ]?${UNIT}\b`),
  new RegExp(String.raw`\b${NUM}[- ]${UNIT}\s+(?:horizon|period|term|lifetime|life|window|contract|plan)\b`),
  new RegExp(String.raw`(?<![\w/])(\d+(?:\.\d+)?)\s*-?\s*(years?|months?)\b`),
];
const RATE_RES = [
  /\b(?:discount(?:ing|ed)?(?:\s+rate)?|hurdle(?:\s+rate)?|wacc|cost\s+of\s+capital|interest(?:\s+rate)?)\s*(?:of|at|is|=|:|@)?\s*(\d+(?:\.\d+)?)\s*%/,
  /(\d+(?:\.\d+)?)\s*%\s*(?:a\s+year\s+)?(?:discount|hurdle|wacc|cost\s+of\s+capital)/,
];
const MONEY_RE = /(?<![\w.,])([$€£¥]|usd|eur|gbp|chf)?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(k|thousand|mm|mn|m|million|bn|b|billion)?\b\s?(usd|eur|gbp|chf|dollars?|euros?|pounds)?/g;
const PERIOD_AFTER = [
  /^\s*(?:(?:in|of)\s+)?(?:(?:net|extra|additional)\s+)?(?:savings?|gains?|benefits?|revenue|profit|costs?)?\s*(?:\/|per|a|an|each|every)\s*(month|mo|week|wk|year|yr|annum|day|quarter|qtr)\b/,
  /^\s*(?:(?:in|of)\s+)?(monthly|weekly|annually|annual|yearly|quarterly|daily)\b/,
];
const PERIOD_BEFORE = /\b(monthly|weekly|annual|yearly|quarterly|daily)\s+(?:net\s+)?(?:savings?|gains?|benefits?|revenue|profit|costs?|running\s+costs?|fees?|spend)?\s*(?:of|:|=|is|are|at)?\s*(?:about|around|roughly|approximately|~)?\s*$/;
const SAVING_WORDS = /\b(sav(?:e|es|ed|ing|ings)|gains?|benefits?|revenue|earns?|profits?|income|returns?|generat\w*|bring\w*|yield\w*|reduc\w*|cuts?|avoid\w*)\b/g;
const COST_WORDS = /\b(costs?|costing|running|run|maintenance|licen[cs]es?|subscriptions?|fees?|upkeep|opex|support|hosting)\b/g;
/** A noun right after the amount: "50k in savings", "2k running costs". */
const SAVING_AFTER = /^\s*(?:(?:in|of)\s+)?(?:(?:annual|monthly|total|net|extra)\s+)?(?:savings?|gains?|benefits?|revenue|profits?)\b/;
const COST_AFTER = /^\s*(?:(?:in|of)\s+)?(?:(?:annual|monthly|running|recurring)\s+)?(?:costs?|fees?|licen[cs]es?|subscriptions?|maintenance)\b/;
const FILLER = /^(?:\s|\b(?:by|of|at|about|around|roughly|approximately|up\s+to|some|is|are|an?|the|us|you|them|it|[$€£¥:=~])\b)*$/;
/** "reduces hosting costs by 2k": a cost word, but the amount is a saving. */
const REDUCED_BY = /\b(?:reduc\w*|cut\w*|lower\w*|sav\w*|trim\w*)\b[^.;]*\bby\s*$/;
/** A bare year ("in 2025") is a date, not an amount. */
const YEAR_BEFORE = /\b(?:in|since|from|by|until|fy|year)\s*$/;

/** Where the last keyword match starts, and whether only filler words separate it from the amount. */
const lastKeyword = (re: RegExp, text: string): { at: number; adjacent: boolean } => {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(re)) last = m;
  if (!last) return { at: -1, adjacent: false };
  return { at: last.index, adjacent: FILLER.test(text.slice(last.index + last[0].length)) };
};
const toNumber = (word: string): number => NUM_WORDS[word] ?? Number(word);

interface Amount {
  value: number;
  perMonth: number | null; // factor to a monthly amount; null = one-off
  role: 'saving' | 'cost' | 'neutral';
}

/** Understands "a 120k tool that saves 8k a month over 3 years", "$1.2M", "2.5k/week", "discount rate 10%". */
function parseRoiTask(task: string): ParseTaskOutcome {
  const json = /\{[\s\S]*\}/.exec(task);
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json[0]);
      if (parsed && typeof parsed === 'object' && 'investment' in parsed) return { input: parsed as Record<string, unknown> };
    } catch {
      // not JSON: read the prose
    }
  }
  let s = task.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  const mask = (m: RegExpExecArray) => {
    s = s.slice(0, m.index) + ' '.repeat(m[0].length) + s.slice(m.index + m[0].length);
  };
  const input: Record<string, unknown> = {};
  for (const re of RATE_RES) {
    const m = re.exec(s);
    if (m) {
      input.discountRatePct = Number(m[1]);
      mask(m);
      break;
    }
  }
  for (const re of HORIZON_RES) {
    const m = re.exec(s);
    if (m) {
      const unit = m[2]!.replace(/s$/, '');
      input.horizonMonths = Math.round(toNumber(m[1]!) * (UNIT_MONTHS[unit] ?? 1));
      mask(m);
      break;
    }
  }
  const amounts: Amount[] = [];
  let prevEnd = 0;
  for (const m of s.matchAll(MONEY_RE)) {
    const [whole, cur1, num, mult, cur2] = m;
    const after = s.slice(m.index + whole.length, m.index + whole.length + 40);
    if (/^\s*%/.test(after)) continue;
    const before = s.slice(prevEnd, m.index);
    if (!cur1 && !cur2 && !mult && /^(19|20)\d\d$/.test(num!) && YEAR_BEFORE.test(before)) continue;
    prevEnd = m.index + whole.length;
    const currency = CURRENCY[cur1 ?? ''] ?? CURRENCY[cur2 ?? ''];
    if (currency && input.currency === undefined) input.currency = currency;
    const unit = PERIOD_AFTER.map((re) => re.exec(after)?.[1]).find(Boolean) ?? PERIOD_BEFORE.exec(before)?.[1];
    // Nearest signal wins: a verb right before ("saves 8k"), then a noun right after
    // ("6,000 in revenue"), then the last keyword since the previous amount.
    const save = lastKeyword(SAVING_WORDS, before);
    const cost = lastKeyword(COST_WORDS, before);
    const nearest = save.at > cost.at ? save : cost.at > save.at ? cost : null;
    const nounAfter = SAVING_AFTER.test(after) ? 'saving' : COST_AFTER.test(after) ? 'cost' : null;
    const role: Amount['role'] = REDUCED_BY.test(before)
      ? 'saving'
      : nearest?.adjacent || !nounAfter
        ? nearest === null ? 'neutral' : nearest === save ? 'saving' : 'cost'
        : nounAfter;
    amounts.push({ value: Number(num!.replace(/,/g, '')) * (MULT[mult ?? ''] ?? 1), perMonth: unit ? (PER_MONTH[unit] ?? null) : null, role });
  }
  for (const a of amounts) {
    if (a.perMonth !== null) {
      if (a.role === 'cost') input.monthlyRunningCost = ((input.monthlyRunningCost as number | undefined) ?? 0) + a.value * a.perMonth;
      else if (input.monthlySavings === undefined) input.monthlySavings = round2(a.value * a.perMonth);
    } else if (a.role === 'saving' && input.investment !== undefined && input.monthlySavings === undefined && typeof input.horizonMonths === 'number') {
      input.monthlySavings = round2(a.value / input.horizonMonths); // "saves 96k over 3 years": a total over the horizon
    } else if (input.investment === undefined) {
      input.investment = a.value;
    }
  }
  if (typeof input.monthlyRunningCost === 'number') input.monthlyRunningCost = round2(input.monthlyRunningCost);
  const needed: Array<[field: string, ask: string]> = [
    ['investment', 'the up-front cost (the one-off investment)'],
    ['monthlySavings', 'how much it saves or earns per month (or per year)'],
    ['horizonMonths', 'over how many months or years to evaluate it'],
  ];
  const gaps = needed.filter(([field]) => input[field] === undefined);
  if (gaps.length === 0) return { input };
  const missing = gaps.map(([field]) => field);
  const asks = gaps.map(([, ask]) => ask);
  const known = [
    input.investment !== undefined ? `investment ${fmt(input.investment as number)}` : '',
    input.monthlySavings !== undefined ? `savings ${fmt(input.monthlySavings as number)} a month` : '',
    input.horizonMonths !== undefined ? `horizon ${String(input.horizonMonths)} months` : '',
  ].filter(Boolean);
  const understood = known.length ? ` So far I have: ${known.join(', ')}.` : '';
  return { missing, question: `To calculate the ROI I still need ${asks.join(', and ')}.${understood}` };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const fmt = (x: number, digits = 2): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface RoiFigures {
  npv: number;
  paybackMonth: number | null;
  breakEvenMonth: number | null;
}

/** Month-by-month: investment at month 0, net benefit at the end of each month. */
function evaluateRoi(investment: number, monthlyNet: number, months: number, annualRatePct: number): RoiFigures {
  const r = (1 + annualRatePct / 100) ** (1 / 12) - 1;
  const tolerance = 1e-9 * Math.max(1, investment);
  let cumulative = -investment;
  let pv = -investment;
  let paybackMonth: number | null = null;
  let breakEvenMonth: number | null = null;
  for (let t = 1; t <= months; t++) {
    cumulative += monthlyNet;
    pv += monthlyNet / (1 + r) ** t;
    if (paybackMonth === null && cumulative >= -tolerance) paybackMonth = t;
    if (breakEvenMonth === null && pv >= -tolerance) breakEvenMonth = t;
  }
  return { npv: pv, paybackMonth, breakEvenMonth };
}

/** Annualised IRR by bisection on the monthly rate; null when the net benefit is never positive. */
function irrPct(investment: number, monthlyNet: number, months: number): number | null {
  if (monthlyNet <= 0) return null;
  const npvAt = (x: number) => {
    let v = -investment;
    for (let t = 1; t <= months; t++) v += monthlyNet / (1 + x) ** t;
    return v;
  };
  let lo = -0.99;
  let hi = 10;
  if (npvAt(hi) > 0 || npvAt(lo) < 0) return null;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (npvAt(mid) > 0) lo = mid;
    else hi = mid;
  }
  return ((1 + lo) ** 12 - 1) * 100;
}

const agent: FunctionAgentModule<RoiInput> = {
  inputSchema: (z) =>
    z
      // The descriptions are the words a follow-up may use for each field ("a licence cost of 500 a month").
      .object({
        investment: z.number().positive().finite().describe('The up-front cost: the one-off investment at month 0.'),
        monthlySavings: z.number().nonnegative().finite().optional().describe('Recurring gain per month: savings, extra revenue or avoided cost.'),
        annualSavings: z.number().nonnegative().finite().optional().describe('Recurring gain per year: savings, extra revenue or avoided cost.'),
        horizonMonths: z.number().int().min(1).max(600).describe('Evaluation period (horizon) in months.'),
        discountRatePct: z.number().min(0).max(100).optional().describe('Annual discount rate in % (hurdle rate, WACC, cost of capital).'),
        monthlyRunningCost: z.number().nonnegative().finite().optional().describe('Recurring running cost per month (licences, maintenance).'),
        currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO code such as USD or EUR').optional().describe('ISO currency code such as USD or EUR.'),
      })
      .strict()
      .refine((i) => (i.monthlySavings === undefined) !== (i.annualSavings === undefined), {
        message: 'give either monthlySavings or annualSavings (exactly one)',
        path: ['monthlySavings'],
      }),
  parseTask: (task) => parseRoiTask(task),
  run: (input) => {
    const savings = input.monthlySavings ?? (input.annualSavings ?? 0) / 12;
    const running = input.monthlyRunningCost ?? 0;
    const rateAssumed = input.discountRatePct === undefined;
    const rate = input.discountRatePct ?? DEFAULT_RATE_PCT;
    const n = input.horizonMonths;
    const net = savings - running;
    const totalBenefit = savings * n;
    const totalRunning = running * n;
    const netGain = totalBenefit - totalRunning - input.investment;
    const roiPct = (netGain / input.investment) * 100;
    const base = evaluateRoi(input.investment, net, n, rate);
    const irr = irrPct(input.investment, net, n);
    const money = (x: number) => `${input.currency ? `${input.currency} ` : ''}${fmt(x)}`;
    const month = (m: number | null) => (m === null ? `not within ${n} months` : `${m} month${m === 1 ? '' : 's'}`);
    const verdict =
      base.npv > 0 && base.paybackMonth !== null
        ? `**Pays back in ${month(base.paybackMonth)}** and creates value after the cost of capital`
        : base.paybackMonth !== null
          ? `**Marginal**: the cash is recovered in month ${base.paybackMonth}, but not the cost of capital (NPV ≤ 0)`
          : `**Does not pay back within ${n} months**`;
    const rateLabel = `${fmt(rate, 1)} % a year${rateAssumed ? ', assumed' : ''}`;

    const yearRows: string[] = [`| 0 | — | — | ${money(-input.investment)} | ${money(-input.investment)} | ${money(-input.investment)} |`];
    const r = (1 + rate / 100) ** (1 / 12) - 1;
    let cumulative = -input.investment;
    for (let start = 1; start <= n; start += 12) {
      const end = Math.min(n, start + 11);
      let pv = 0;
      for (let t = start; t <= end; t++) pv += net / (1 + r) ** t;
      cumulative += net * (end - start + 1);
      yearRows.push(`| ${Math.ceil(end / 12)} (months ${start}–${end}) | ${money(savings * (end - start + 1))} | ${money(running * (end - start + 1))} | ${money(net * (end - start + 1))} | ${money(pv)} | ${money(cumulative)} |`);
    }
    const scenario = (label: string, s: number, rt: number) => {
      const f = evaluateRoi(input.investment, s - running, n, rt);
      return `| ${label} | ${money(s)} | ${fmt(rt, 1)} % | ${money(f.npv)} | ${month(f.paybackMonth)} |`;
    };
    const markdown = [
      `### ROI of a ${money(input.investment)} investment over ${n} months`,
      '',
      `${verdict}: NPV ${money(base.npv)} at ${rateLabel}; ROI ${fmt(roiPct, 1)} %.`,
      '',
      '| Metric | Value |',
      '|---|---|',
      `| Investment (month 0) | ${money(input.investment)} |`,
      `| Savings per month | ${money(savings)} |`,
      `| Running cost per month | ${money(running)} |`,
      `| Net benefit per month | ${money(net)} |`,
      `| Horizon | ${n} months |`,
      `| Total benefit | ${money(totalBenefit)} |`,
      `| Total running cost | ${money(totalRunning)} |`,
      `| Net gain | ${money(netGain)} |`,
      `| ROI | ${fmt(roiPct, 1)} % |`,
      `| NPV at ${rateLabel} | ${money(base.npv)} |`,
      `| IRR (annualised) | ${irr === null ? 'n/a (no positive return)' : `${fmt(irr, 1)} %`} |`,
      `| Payback | ${month(base.paybackMonth)} |`,
      `| Break-even (discounted) | ${month(base.breakEvenMonth)} |`,
      '',
      '#### Cash flow by year',
      '',
      '| Year | Savings | Running cost | Net | Present value | Cumulative net |',
      '|---|---|---|---|---|---|',
      ...yearRows,
      '',
      '#### Sensitivity',
      '',
      '| Case | Savings per month | Discount rate | NPV | Payback |',
      '|---|---|---|---|---|',
      scenario('Savings −30 %', savings * 0.7, rate),
      scenario('Base case', savings, rate),
      scenario('Savings +30 %', savings * 1.3, rate),
      scenario('Discount rate −2 pts', savings, Math.max(0, rate - 2)),
      scenario('Discount rate +2 pts', savings, rate + 2),
      '',
      '#### Assumptions',
      '',
      '- The investment is paid at month 0; savings and running costs fall at the end of each month, flat over the horizon.',
      `- Discount rate ${rateLabel}${rateAssumed ? ' (no rate was given; use your hurdle rate or WACC and re-run)' : ''}, applied monthly as (1 + r)^(1/12) − 1.`,
      ...(input.annualSavings !== undefined ? [`- Annual savings of ${money(input.annualSavings)} spread evenly: ${money(savings)} a month.`] : []),
      '- No residual value, taxes, depreciation, ramp-up or inflation unless stated in the input.',
      '- ROI = net gain ÷ investment; payback = first month in which cumulative net benefit covers the investment; break-even (discounted) = first month in which NPV to date is ≥ 0.',
    ].join('\n');

    return {
      markdown,
      data: {
        currency: input.currency ?? null,
        investment: input.investment,
        monthlySavings: round2(savings),
        monthlyRunningCost: round2(running),
        horizonMonths: n,
        discountRatePct: rate,
        discountRateAssumed: rateAssumed,
        totalBenefit: round2(totalBenefit),
        totalRunningCost: round2(totalRunning),
        netGain: round2(netGain),
        roiPct: round2(roiPct),
        npv: round2(base.npv),
        irrPct: irr === null ? null : round2(irr),
        paybackMonth: base.paybackMonth,
        breakEvenMonth: base.breakEvenMonth,
      },
    };
  },
};

export default agent;
