import type { FunctionAgentContext, FunctionAgentModule, ParseTaskOutcome } from '@orchestrator/core';

// No runtime imports: this module is loaded from the agents folder at run time (see loader.ts);
// CSV and number parsing come from ctx.helpers.

type Cell = string | number | boolean | null;
type Helpers = FunctionAgentContext['helpers'];

export interface ProfileInput {
  source: 'csv' | 'json';
  columns: string[];
  rows: Cell[][];
}

type ColumnType = 'integer' | 'number' | 'boolean' | 'date' | 'text' | 'empty';

const MAX_ROWS = 100_000;
const MAX_COLUMNS = 200;
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none', 'nan', '-', '—']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const BOOLEAN: Record<string, boolean> = { true: true, false: false, yes: true, no: false };

const uniqueNames = (names: string[]): string[] => {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw.trim() || `column ${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
};

const needs = (problem: string): ParseTaskOutcome => ({ missing: ['data'], question: `I could not read the data: ${problem}. Please fix it and send it again.` });

function fromJson(text: string): ParseTaskOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    if (!at) return needs(`invalid JSON (${message})`);
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    return needs(`invalid JSON at line ${line}, column ${before.length - before.lastIndexOf('\n')} (${message.replace(/ in JSON at position \d+.*$/, '')})`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v));
    if (arrays.length !== 1) return needs('expected a JSON array (of objects or values), or an object holding exactly one array');
    value = arrays[0]![1];
  }
  if (!Array.isArray(value)) return needs('expected a JSON array');
  if (value.length === 0) return needs('the JSON array is empty');
  if (value.length > MAX_ROWS) return needs(`it has ${value.length} items; the limit is ${MAX_ROWS}`);
  const toCell = (v: unknown): Cell => (v === undefined ? null : v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as Cell) : JSON.stringify(v));
  const isRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!value.some(isRecord)) return { input: { source: 'json', columns: ['value'], rows: value.map((v) => [toCell(v)]) } };
  const bad = value.findIndex((v) => !isRecord(v));
  if (bad >= 0) return needs(`item ${bad + 1} is ${Array.isArray(value[bad]) ? 'an array' : JSON.stringify(value[bad])}, but the other items are objects`);
  const columns: string[] = [];
  for (const item of value as Array<Record<string, unknown>>) for (const k of Object.keys(item)) if (!columns.includes(k)) columns.push(k);
  if (columns.length > MAX_COLUMNS) return needs(`it has ${columns.length} fields; the limit is ${MAX_COLUMNS}`);
  return { input: { source: 'json', columns, rows: (value as Array<Record<string, unknown>>).map((item) => columns.map((c) => toCell(item[c]))) } };
}

function fromCsv(text: string, csv: Helpers['csv']): ParseTaskOutcome {
  const parsed = csv.parse(text.trim());
  if ('error' in parsed) return needs(parsed.error);
  const { rows } = parsed;
  if (rows.length < 2) return needs('the CSV needs a header row and at least one data row');
  if (rows.length - 1 > MAX_ROWS) return needs(`it has ${rows.length - 1} rows; the limit is ${MAX_ROWS}`);
  const columns = uniqueNames(rows[0]!.cells);
  if (columns.length > MAX_COLUMNS) return needs(`it has ${columns.length} columns; the limit is ${MAX_COLUMNS}`);
  const ragged = rows.slice(1).map((r, k) => ({ r, k })).filter(({ r }) => r.cells.length !== columns.length);
  if (ragged.length > 0) {
    const list = ragged.slice(0, 5).map(({ r, k }) => `row ${k + 1} (line ${r.line}) has ${r.cells.length} fields but the header has ${columns.length}`);
    return needs(list.join('; ') + (ragged.length > 5 ? `; …and ${ragged.length - 5} more` : ''));
  }
  return { input: { source: 'csv', columns, rows: rows.slice(1).map((r) => r.cells.map((c) => c.trim())) } };
}

function parseProfileTask(task: string, { csv }: Helpers): ParseTaskOutcome {
  const fence = csv.fenced(task);
  if (fence) return /^\s*[[{]/.test(fence.body) || fence.lang === 'json' ? fromJson(fence.body) : fromCsv(fence.body, csv);
  const start = task.search(/[[{]/);
  const end = Math.max(task.lastIndexOf(']'), task.lastIndexOf('}'));
  if (start >= 0 && end > start) {
    const candidate = task.slice(start, end + 1);
    const json = fromJson(candidate);
    // Report a JSON error only when the text clearly meant to be JSON; "[see below]" is prose.
    if ('input' in json || /^(\[\s*[[{"]|\{\s*")/.test(candidate)) return json;
  }
  // The CSV starts at the first two delimited lines in a row and ends at a blank line.
  const lines = task.split(/\r?\n/);
  const first = lines.findIndex((l, i) => /[,;\t|]/.test(l) && /[,;\t|]/.test(lines[i + 1] ?? ''));
  if (first >= 0) {
    const blank = lines.findIndex((l, i) => i >= first && l.trim() === '');
    return fromCsv(csv.trimLeadIn(lines.slice(first, blank < 0 ? undefined : blank)).join('\n'), csv);
  }
  return { missing: ['data'], question: 'Please paste the data to profile: a CSV with a header row (ideally in a ```csv block) or a JSON array of objects.' };
}

const isMissing = (v: Cell): boolean => v === null || (typeof v === 'string' && MISSING.has(v.trim().toLowerCase()));
const asBoolean = (v: Cell): boolean | null => (typeof v === 'boolean' ? v : typeof v === 'string' ? (BOOLEAN[v.trim().toLowerCase()] ?? null) : null);
const asDate = (v: Cell): number | null => (typeof v === 'string' && ISO_DATE.test(v.trim()) && !Number.isNaN(Date.parse(v.trim())) ? Date.parse(v.trim()) : null);

/** Linear interpolation between closest ranks (numpy's default, Excel PERCENTILE.INC). */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface ColumnProfile {
  column: string;
  type: ColumnType;
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

function profileColumn(column: string, values: Cell[], { numbers }: Helpers): ColumnProfile {
  const present = values.filter((v) => !isMissing(v));
  const distinct = new Set(present.map((v) => String(v).trim())).size;
  const base = { column, count: present.length, missing: values.length - present.length, distinct };
  if (present.length === 0) return { ...base, type: 'empty' };
  const nums = present.map((v) => (typeof v === 'number' ? v : typeof v === 'string' ? numbers.parsePlain(v) : null));
  if (nums.every((n) => n !== null)) {
    const xs = (nums as number[]).slice().sort((a, b) => a - b);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) : null;
    const type = xs.every(Number.isInteger) ? 'integer' : 'number';
    return { ...base, type, min: xs[0]!, max: xs[xs.length - 1]!, mean, median: quantile(xs, 0.5), std, p25: quantile(xs, 0.25), p75: quantile(xs, 0.75) };
  }
  const counts = new Map<string, number>();
  for (const v of present) counts.set(String(v).trim(), (counts.get(String(v).trim()) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([value, count]) => ({ value, count }));
  if (present.every((v) => asBoolean(v) !== null)) return { ...base, type: 'boolean', top };
  const dates = present.map(asDate);
  if (dates.every((d) => d !== null)) {
    const sorted = present.map((v) => String(v).trim()).sort((a, b) => Date.parse(a) - Date.parse(b));
    return { ...base, type: 'date', min: sorted[0]!, max: sorted[sorted.length - 1]! };
  }
  const nonNumeric = nums.filter((n) => n === null).length;
  return { ...base, type: 'text', top, ...(nonNumeric < present.length / 2 ? { nonNumeric } : {}) };
}

const fmt = (v: number | string | null | undefined): string =>
  v === undefined || v === null ? '—' : typeof v === 'string' ? v : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const agent: FunctionAgentModule<ProfileInput> = {
  inputSchema: (z) =>
    z
      .object({
        source: z.enum(['csv', 'json']),
        columns: z.array(z.string()).min(1).max(MAX_COLUMNS),
        rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))).min(1).max(MAX_ROWS),
      })
      .strict()
      .refine((i) => i.rows.every((r) => r.length === i.columns.length), { message: 'every row must have one value per column', path: ['rows'] }),
  parseTask: (task, ctx) => parseProfileTask(task, ctx.helpers),
  run: (input, ctx) => {
    const profiles = input.columns.map((c, i) => profileColumn(c, input.rows.map((r) => r[i] ?? null), ctx.helpers));
    const n = input.rows.length;
    const numeric = profiles.filter((p) => p.type === 'integer' || p.type === 'number');
    const categorical = profiles.filter((p) => p.top);
    const observations = [
      ...profiles.filter((p) => p.type === 'empty').map((p) => `- \`${p.column}\` has no values.`),
      ...profiles.filter((p) => p.missing > 0 && p.type !== 'empty').map((p) => `- \`${p.column}\`: ${p.missing} of ${n} values missing (${((p.missing / n) * 100).toFixed(1)} %).`),
      ...profiles.filter((p) => p.distinct === 1 && p.count > 1).map((p) => `- \`${p.column}\` is constant (one distinct value).`),
      ...profiles.filter((p) => p.distinct === n && n > 1 && (p.type === 'integer' || p.type === 'text')).map((p) => `- \`${p.column}\` has a different value on every row (possibly an identifier).`),
      ...profiles.filter((p) => p.nonNumeric).map((p) => `- \`${p.column}\` is mostly numeric but has ${p.nonNumeric} non-numeric value(s), so it is profiled as text.`),
    ];
    const markdown = [
      '### Data profile',
      '',
      `${n} row(s) × ${input.columns.length} column(s), from ${input.source.toUpperCase()}. Missing means empty, null, NA, N/A, None, NaN or "-".`,
      '',
      '| Column | Type | Count | Missing | Distinct | Min | Max | Mean | Median | Std | P25 | P75 |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...profiles.map((p) => `| ${esc(p.column)} | ${p.type} | ${p.count} | ${p.missing} | ${p.distinct} | ${[p.min, p.max, p.mean, p.median, p.std, p.p25, p.p75].map((v) => esc(fmt(v))).join(' | ')} |`),
      '',
      ...(categorical.length
        ? ['#### Most frequent values', '', '| Column | Top values (count) |', '|---|---|', ...categorical.map((p) => `| ${esc(p.column)} | ${p.top!.map((t) => `${esc(t.value)} (${t.count})`).join(', ')} |`), '']
        : []),
      '#### Observations',
      '',
      ...(observations.length ? observations : ['- No missing values, constant columns or mixed types found.']),
      '',
      `Std is the sample standard deviation (n − 1); P25/median/P75 interpolate linearly between ranks. ${numeric.length} numeric column(s).`,
    ].join('\n');
    return { markdown, data: { rows: n, columns: profiles } };
  },
};

export default agent;
