import { MONTHS, profileField, type FieldProfile } from './fields.js';
import { clauses, type Token, type ValueToken } from './tokens.js';
import type { FollowUpQuestion, FollowUpReading } from './types.js';

/** Wording that asks to change something, for a message that names a field but gives no value. */
const CHANGE =
  /\b(re-?do|re-?calc\w*|re-?comput\w*|re-?run|again|instead|chang\w*|higher|lower|more|less|increas\w*|decreas\w*|reduc\w*|rais\w*|different|new|try|use|updat\w*|set|assum\w*|with|without|what if|what about|how about|make|bump\w*|cut\w*|drop\w*)\b/i;

const isNumeric = (p: FieldProfile) => p.field.type === 'number' || p.field.type === 'integer';
const isValue = (t: Token): t is ValueToken => t.kind === 'value';

/** Words naming the field: 2 for each word of its name, 1 for each of its description. */
function wordScore(p: FieldProfile, terms: ReadonlySet<string>): number {
  let score = 0;
  for (const t of terms) score += p.subject.has(t) ? 2 : p.extra.has(t) ? 1 : 0;
  return score;
}

/**
 * How well the way a value is written fits the field; undefined when it cannot be that field
 * (a percentage for an amount, a length of time for a rate). A plain amount fits a one-off field
 * better than a per-month one, which may still take it ("a running cost of 500").
 */
function shapeScore(v: ValueToken, p: FieldProfile): number | undefined {
  if (v.relative && v.percent) return 0;
  if (v.percent) return p.percent ? 3 : undefined;
  if (v.duration) return p.duration ? 3 : undefined;
  if (v.period) {
    if (p.duration || p.percent) return undefined;
    return p.period === v.period ? 2 : p.period ? 1 : -1;
  }
  if (p.period) return -0.5;
  return p.duration || p.percent ? 0 : 0.5;
}

/** A percentage or a length of time when only one field takes one: no name is needed. */
function onlyFieldFor(v: ValueToken, profiles: FieldProfile[]): boolean {
  if (v.relative) return false;
  const takes = (p: FieldProfile) =>
    v.percent ? p.percent : v.duration ? !!p.duration : v.period ? !!p.period : false;
  return profiles.filter((p) => isNumeric(p) && takes(p)).length === 1;
}

/** The value in the field's unit: "6k per year" for a monthly field is 500; "3 years" for months is 36. */
function valueFor(v: ValueToken, p: FieldProfile, previous: unknown): number | undefined {
  let x = v.amount;
  if (v.duration && p.duration) x = (x * MONTHS[v.duration]) / MONTHS[p.duration];
  else if (v.period && p.period) x = (x / MONTHS[v.period]) * MONTHS[p.period];
  if (v.relative) {
    if (typeof previous !== 'number') return undefined;
    x = v.percent ? previous * (1 + (v.relative * v.amount) / 100) : previous + v.relative * x;
  }
  return p.field.type === 'integer' ? Math.round(x) : Number(x.toPrecision(12));
}

/** Each word goes with the nearest value of its clause (a tie: the value after it, "cost of 500"). */
function attribute(clause: Token[]): { byValue: Map<ValueToken, Set<string>>; loose: Set<string> } {
  const values = clause.filter(isValue);
  const byValue = new Map(values.map((v) => [v, new Set<string>()]));
  const loose = new Set<string>();
  for (const t of clause) {
    if (t.kind !== 'word' || t.terms.length === 0) continue;
    if (values.length === 0) {
      t.terms.forEach((x) => loose.add(x));
      continue;
    }
    const nearest = values.reduce((best, v) => {
      const d = Math.abs(v.at - t.at);
      const bd = Math.abs(best.at - t.at);
      return d < bd || (d === bd && v.at > t.at) ? v : best;
    });
    t.terms.forEach((x) => byValue.get(nearest)!.add(x));
  }
  return { byValue, loose };
}

/**
 * The offline model's reading of a follow-up (deterministic): each number in the message goes to
 * the field whose name and description the words around it use, converted to the field's unit
 * from what is written next to it ("a month", "per year", "3 years", "%"); a field the message
 * names without a value it can use is unclear.
 */
export function readFollowUpOffline(q: FollowUpQuestion): FollowUpReading {
  const profiles = q.fields.map(profileField);
  const expected = new Set(q.expected ?? []);
  const candidates: Array<{ value: ValueToken; profile: FieldProfile; score: number; order: number }> = [];
  const named: Array<ReadonlySet<string>> = [];
  const valueTerms = new Map<ValueToken, ReadonlySet<string>>();
  for (const clause of clauses(q.text)) {
    const { byValue, loose } = attribute(clause);
    named.push(loose);
    for (const [value, terms] of byValue) {
      valueTerms.set(value, terms);
      profiles.forEach((profile, order) => {
        if (!isNumeric(profile)) return;
        const shape = shapeScore(value, profile);
        const words = wordScore(profile, terms);
        const isExpected = expected.has(profile.field.name);
        if (shape === undefined || (words === 0 && !isExpected && !onlyFieldFor(value, profiles))) return;
        const score = words + shape + (isExpected ? 1.5 : 0) + (profile.field.name in q.previous ? 0.25 : 0);
        if (score > 0) candidates.push({ value, profile, score, order });
      });
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.order - b.order || a.value.at - b.value.at);
  const values: Record<string, unknown> = {};
  const used = new Set<ValueToken>();
  for (const c of candidates) {
    const name = c.profile.field.name;
    if (used.has(c.value) || name in values) continue;
    const x = valueFor(c.value, c.profile, q.previous[name]);
    if (x === undefined) continue;
    values[name] = x;
    used.add(c.value);
  }
  for (const [value, terms] of valueTerms) if (!used.has(value)) named.push(terms);
  const hasValues = Object.keys(values).length > 0;
  const unclear = hasValues || CHANGE.test(q.text) ? unclearFields(profiles, named, values, q) : [];
  return { values, unclear };
}

/** Fields named (by a word of their name, or two of their description) that got no value. */
function unclearFields(
  profiles: FieldProfile[],
  named: Array<ReadonlySet<string>>,
  values: Record<string, unknown>,
  q: FollowUpQuestion,
): string[] {
  const subjectOf = (p: FieldProfile) => [...p.subject].sort().join(' ');
  // "savings" names monthlySavings and annualSavings alike: one of them changed is enough, and
  // when neither did, ask for the one in use.
  const changed = new Set(profiles.filter((p) => p.field.name in values).map(subjectOf));
  const bySubject = new Map<string, FieldProfile>();
  for (const p of profiles) {
    const key = subjectOf(p);
    if (changed.has(key) || !named.some((terms) => wordScore(p, terms) >= 2)) continue;
    const seen = bySubject.get(key);
    if (!seen || (!(seen.field.name in q.previous) && p.field.name in q.previous)) bySubject.set(key, p);
  }
  return [...bySubject.values()].map((p) => p.field.name);
}
