import type { FunctionAgentContext, FunctionAgentModule, ParseTaskOutcome } from '@orchestrator/core';

// No runtime imports: this module is loaded from the agents folder at run time (see loader.ts);
// CSV and amount parsing come from ctx.helpers.

type Role = 'department' | 'cost_center' | 'category' | 'month';
type Measure = 'budget' | 'actual' | 'amount';

export interface BudgetLine {
  row: number;
  label: string;
  dims: Record<string, string>;
  budget?: number;
  actual?: number;
  amount?: number;
}

export interface BudgetRollupInput {
  dimensions: Array<{ column: string; role: Role }>;
  measures: Partial<Record<Measure, string>>;
  groupBy?: string[][];
  lines: BudgetLine[];
  blankCells?: number;
  ignoredColumns?: string[];
  top?: number;
}

const MAX_LINES = 50_000;
const ROLE_PATTERNS: Array<[Role | Measure, RegExp]> = [
  ['cost_center', /\b(cost ?cent(er|re)s?|cc|profit cent(er|re))\b/],
  ['budget', /\b(budget|budgeted|plan|planned|forecast|target)\b/],
  ['actual', /\b(actuals?|spent|spend|real)\b/],
  ['department', /\b(department|dept|division|team|business unit|bu|unit)\b/],
  ['category', /\b(category|account|gl|expense type|cost type|type|line item|nature|class)\b/],
  ['month', /\b(month|period|date|quarter|qtr|week|year|fy)\b/],
  ['amount', /\b(amount|value|total|costs?|expenses?|sum)\b/],
];
const LABEL_RE = /\b(description|name|vendor|supplier|item|memo|details?|line)\b/;
const ROLE_WORDS: Record<Role, RegExp> = {
  department: /^(departments?|depts?|divisions?|teams?|business units?|units?)$/,
  cost_center: /^(cost ?cent(er|re)s?|ccs?)$/,
  category: /^(categor(y|ies)|accounts?|expense types?|cost types?|types?|line items?)$/,
  month: /^(months?|periods?|dates?|quarters?|weeks?|years?)$/,
};

const norm = (h: string): string => h.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Dimensions named after "by"/"per": "by department and month" → [[department], [month], [department, month]]. */
function requestedGroups(task: string, dims: BudgetRollupInput['dimensions']): string[][] | undefined {
  const m = /\b(?:by|per|for each|across)\s+([a-z ,&/-]+)/i.exec(task.split('```')[0]!);
  if (!m) return undefined;
  const words = m[1]!.toLowerCase().split(/\s*(?:,|\band\b|&|\/|\bthen\b|\bby\b|\bper\b)\s*/).map((w) => w.trim()).filter(Boolean);
  const picked: string[] = [];
  for (const w of words) {
    const dim = dims.find((d) => norm(d.column) === norm(w) || ROLE_WORDS[d.role].test(w));
    if (dim && !picked.includes(dim.column)) picked.push(dim.column);
  }
  if (picked.length === 0) return undefined;
  return picked.length > 1 ? [...picked.map((p) => [p]), picked] : [picked];
}

function parseBudgetTask(task: string, { csv, numbers }: FunctionAgentContext['helpers']): ParseTaskOutcome {
  const text = csv.extract(task);
  if (text === null) {
    return { missing: ['csv'], question: 'Please paste the budget as CSV (ideally in a ```csv block) with a header row, e.g. `Department,Category,Month,Budget,Actual`.' };
  }
  const parsed = csv.parse(text.trim());
  const fail = (problems: string[]): ParseTaskOutcome => ({ missing: ['csv'], question: `I could not read the budget CSV:\n${problems.map((p) => `- ${p}`).join('\n')}\nPlease fix it and send it again.` });
  if ('error' in parsed) return fail([parsed.error]);
  const { rows } = parsed;
  if (rows.length < 2) return fail(['it needs a header row and at least one data row']);
  if (rows.length - 1 > MAX_LINES) return fail([`it has ${rows.length - 1} rows; the limit is ${MAX_LINES}`]);
  const header = rows[0]!.cells.map((h) => h.trim());
  const dimensions: BudgetRollupInput['dimensions'] = [];
  const measures: BudgetRollupInput['measures'] = {};
  const ignored: string[] = [];
  let labelIndex = -1;
  header.forEach((h, i) => {
    const role = ROLE_PATTERNS.find(([, re]) => re.test(norm(h)))?.[0];
    if (role === 'budget' || role === 'actual' || role === 'amount') {
      if (measures[role] === undefined) measures[role] = h;
      else ignored.push(h);
    } else if (role && !dimensions.some((d) => d.role === role)) dimensions.push({ column: h, role });
    else if (labelIndex < 0 && LABEL_RE.test(norm(h))) labelIndex = i;
    else ignored.push(h);
  });
  if (Object.keys(measures).length === 0) {
    return { missing: ['amount column'], question: `Which column holds the amounts? I found: ${header.join(', ')}. Name it amount, budget or actual (or add such a header).` };
  }
  const problems: string[] = [];
  const lines: BudgetLine[] = [];
  let blankCells = 0;
  rows.slice(1).forEach((r, k) => {
    const where = `row ${k + 1} (line ${r.line})`;
    if (r.cells.length !== header.length) {
      problems.push(`${where} has ${r.cells.length} fields but the header has ${header.length}`);
      return;
    }
    const cellOf = (column: string) => r.cells[header.indexOf(column)]!.trim();
    const line: BudgetLine = { row: k + 1, label: labelIndex >= 0 ? r.cells[labelIndex]!.trim() : '', dims: {} };
    for (const d of dimensions) line.dims[d.column] = cellOf(d.column) || '(blank)';
    for (const [measure, column] of Object.entries(measures) as Array<[Measure, string]>) {
      const value = numbers.parseAmount(cellOf(column));
      if (value === null) blankCells++;
      else if (Number.isNaN(value)) problems.push(`${where}, column "${column}": "${cellOf(column)}" is not a number`);
      else line[measure] = value;
    }
    if (!line.label) line.label = Object.values(line.dims).join(' · ') || `row ${k + 1}`;
    lines.push(line);
  });
  if (problems.length > 0) return fail(problems.length > 8 ? [...problems.slice(0, 8), `…and ${problems.length - 8} more`] : problems);
  const groupBy = requestedGroups(task, dimensions);
  return { input: { dimensions, measures, lines, blankCells, ignoredColumns: ignored, ...(groupBy ? { groupBy } : {}) } };
}

interface Totals {
  lines: number;
  budget?: number;
  actual?: number;
  amount?: number;
  variance?: number;
  variancePct?: number | null;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const money = (x: number | undefined): string => (x === undefined ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)} %`);

function totalsOf(lines: BudgetLine[], measures: BudgetRollupInput['measures']): Totals {
  const t: Totals = { lines: lines.length };
  for (const m of Object.keys(measures) as Measure[]) t[m] = round2(lines.reduce((s, l) => s + (l[m] ?? 0), 0));
  if (t.budget !== undefined && t.actual !== undefined) {
    t.variance = round2(t.actual - t.budget);
    t.variancePct = t.budget === 0 ? null : round2((t.variance / t.budget) * 100);
  }
  return t;
}

const agent: FunctionAgentModule<BudgetRollupInput> = {
  inputSchema: (z) => {
    const amount = z.number().finite().optional();
    return z
      .object({
        dimensions: z.array(z.object({ column: z.string().min(1), role: z.enum(['department', 'cost_center', 'category', 'month']) }).strict()).max(4),
        measures: z.object({ budget: z.string().optional(), actual: z.string().optional(), amount: z.string().optional() }).strict().refine((m) => Object.keys(m).length > 0, 'needs a budget, actual or amount column'),
        groupBy: z.array(z.array(z.string().min(1)).min(1)).optional(),
        lines: z.array(z.object({ row: z.number().int(), label: z.string(), dims: z.record(z.string(), z.string()), budget: amount, actual: amount, amount }).strict()).min(1).max(MAX_LINES),
        blankCells: z.number().int().min(0).optional(),
        ignoredColumns: z.array(z.string()).optional(),
        top: z.number().int().min(1).max(50).optional(),
      })
      .strict();
  },
  parseTask: (task, ctx) => parseBudgetTask(task, ctx.helpers),
  run: (input) => {
    const { lines, measures, dimensions } = input;
    const ms = (['budget', 'actual', 'amount'] as const).filter((m) => measures[m] !== undefined);
    const hasVariance = measures.budget !== undefined && measures.actual !== undefined;
    const primary: Measure = measures.actual !== undefined ? 'actual' : measures.amount !== undefined ? 'amount' : 'budget';
    const total = totalsOf(lines, measures);
    const groupBy = input.groupBy ?? dimensions.map((d) => [d.column]);
    const headCells = [...ms.map((m) => measures[m]!), ...(hasVariance ? ['Variance', 'Variance %'] : [])];
    const cellsOf = (t: Totals) => [...ms.map((m) => money(t[m])), ...(hasVariance ? [money(t.variance), pct(t.variancePct)] : [])];

    const groups: Record<string, Array<Totals & { key: string[] }>> = {};
    const sections: string[] = [];
    for (const cols of groupBy) {
      const buckets = new Map<string, BudgetLine[]>();
      for (const l of lines) {
        const key = JSON.stringify(cols.map((c) => l.dims[c] ?? '(blank)'));
        buckets.set(key, [...(buckets.get(key) ?? []), l]);
      }
      const isTime = cols.length === 1 && dimensions.find((d) => d.column === cols[0])?.role === 'month';
      const rows = [...buckets].map(([k, ls]) => ({ key: JSON.parse(k) as string[], ...totalsOf(ls, measures) }));
      if (!isTime) rows.sort((a, b) => Math.abs(b[primary] ?? 0) - Math.abs(a[primary] ?? 0));
      const name = cols.join(' × ');
      groups[name] = rows;
      sections.push(
        `#### By ${name}`,
        '',
        `| ${cols.join(' | ')} | Lines | ${headCells.join(' | ')} |`,
        `|${'---|'.repeat(cols.length + 1 + headCells.length)}`,
        ...rows.map((r) => `| ${r.key.join(' | ')} | ${r.lines} | ${cellsOf(r).join(' | ')} |`),
        `| **Total**${' |'.repeat(cols.length)} ${total.lines} | ${cellsOf(total).join(' | ')} |`,
        '',
      );
    }
    const top = input.top ?? 5;
    const byValue = [...lines].sort((a, b) => Math.abs(b[primary] ?? 0) - Math.abs(a[primary] ?? 0)).slice(0, top);
    const variances = hasVariance
      ? lines.map((l) => ({ l, v: round2((l.actual ?? 0) - (l.budget ?? 0)) })).filter((x) => x.v !== 0).sort((a, b) => Math.abs(b.v) - Math.abs(a.v)).slice(0, top)
      : [];
    const summary = hasVariance
      ? `Actual ${money(total.actual)} against a budget of ${money(total.budget)}: ${money(Math.abs(total.variance!))} ${total.variance! > 0 ? 'over' : total.variance! < 0 ? 'under' : 'on'} budget${total.variancePct == null || total.variance === 0 ? '' : ` (${pct(total.variancePct)})`}.`
      : `Total ${measures[primary]}: ${money(total[primary])}.`;
    const notes = [
      ...(hasVariance ? ['- Variance = actual − budget; a positive variance means spending above budget (lines are treated as costs).'] : []),
      ...(input.blankCells ? [`- ${input.blankCells} blank amount cell(s) were counted as 0.`] : []),
      ...(input.ignoredColumns?.length ? [`- Columns not used: ${input.ignoredColumns.join(', ')}.`] : []),
      `- Columns used: ${[...dimensions.map((d) => `${d.column} (${d.role.replace('_', ' ')})`), ...ms.map((m) => `${measures[m]} (${m})`)].join(', ')}.`,
    ];
    const markdown = [
      '### Budget roll-up',
      '',
      `${lines.length} line(s)${dimensions.map((d) => `, ${new Set(lines.map((l) => l.dims[d.column])).size} ${d.column.toLowerCase()} value(s)`).join('')}. ${summary}`,
      '',
      ...sections,
      `#### Largest lines by ${measures[primary]}`,
      '',
      `| Row | Line | ${headCells.slice(0, ms.length).join(' | ')} |`,
      `|${'---|'.repeat(2 + ms.length)}`,
      ...byValue.map((l) => `| ${l.row} | ${l.label} | ${ms.map((m) => money(l[m])).join(' | ')} |`),
      '',
      ...(variances.length ? ['#### Largest variances', '', '| Row | Line | Budget | Actual | Variance |', '|---|---|---|---|---|', ...variances.map(({ l, v }) => `| ${l.row} | ${l.label} | ${money(l.budget)} | ${money(l.actual)} | ${money(v)} |`), ''] : []),
      '#### Notes',
      '',
      ...notes,
    ].join('\n');
    return {
      markdown,
      data: { totals: total, groups, topLines: byValue.map((l) => ({ row: l.row, label: l.label, value: l[primary] ?? 0 })), largestVariances: variances.map(({ l, v }) => ({ row: l.row, label: l.label, variance: v })), measures, dimensions },
    };
  },
};

export default agent;
