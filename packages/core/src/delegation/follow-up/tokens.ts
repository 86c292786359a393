import { foldBritish, tokenTerms } from '../../routing/text.js';
import { PERIOD_ADJECTIVES, UNIT_NOUNS, type TimeUnit } from './fields.js';

/** A word: its text and its stemmed content terms (none for a stopword). */
export interface WordToken {
  kind: 'word';
  at: number;
  text: string;
  terms: string[];
}

/** A number with what is written around it. */
export interface ValueToken {
  kind: 'value';
  at: number;
  amount: number;
  percent: boolean;
  /** "500 a month": an amount per unit. */
  period?: TimeUnit;
  /** "3 years": a length of time. */
  duration?: TimeUnit;
  /** "increase it by 10 %": a change to the previous value (+1 up, −1 down). */
  relative?: 1 | -1;
}

export type Token = WordToken | ValueToken;

const MULTIPLIERS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mm: 1e6,
  mn: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
};
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const PER = new Set(['per', 'a', 'an', 'each', 'every', '/']);
/** Words before "a year" that make it a length of time ("over a year"), not a rate ("500 a year"). */
const SPAN = new Set(['over', 'for', 'across', 'within', 'during', 'of', 'to']);
/** Words before a bare year ("in 2027"): a date, not an amount. */
const DATE = new Set(['in', 'since', 'until', 'till', 'fy', 'during']);
const UP = /^(increas|rais|rise|grow|bump|add|extend|lengthen|up|higher|more)/;
const DOWN = /^(decreas|reduc|lower|cut|drop|trim|shorten|down|less|fewer)/;

const TOKEN =
  /[$€£¥]?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(k|mm|mn|m|bn|b|thousand|million|billion)(?![a-z]))?(?:\s?(%|percent(?![a-z])|pct(?![a-z])))?|([a-z]+(?:['-][a-z]+)*)|(\/)|([,;!?\n]|\.(?!\d))/g;

/**
 * The message as clauses (split at punctuation) of words and values, each value annotated with
 * the unit written next to it: "500 a month" (per month), "3 years" (a length), "12 %".
 */
export function clauses(text: string): Token[][] {
  const prepared = foldBritish(text.toLowerCase().replace(/[\u2018\u2019`]/g, "'"));
  const out: Token[][] = [[]];
  let at = 0;
  for (const m of prepared.matchAll(TOKEN)) {
    const [, num, mult, pct, word, slash, stop] = m;
    const clause = out.at(-1)!;
    if (stop) {
      if (clause.length) out.push([]);
    } else if (num) {
      clause.push({
        kind: 'value',
        at: at++,
        amount: Number(num.replace(/,/g, '')) * (MULTIPLIERS[mult ?? ''] ?? 1),
        percent: !!pct,
      });
    } else {
      const w = word ?? slash!;
      clause.push({ kind: 'word', at: at++, text: w, terms: slash ? [] : tokenTerms(w) });
    }
  }
  return out.filter((c) => c.length > 0).map(annotate);
}

/** Reads the units around each value, drops bare years, and turns "over two years" into a value. */
function annotate(clause: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < clause.length; i++) {
    const t = clause[i]!;
    const next = clause[i + 1];
    const after = clause[i + 2];
    const prev = out.at(-1);
    if (t.kind === 'word') {
      const n = NUMBER_WORDS[t.text];
      const unit = next?.kind === 'word' ? UNIT_NOUNS[next.text] : undefined;
      const spans =
        t.text !== 'a' && t.text !== 'an' ? prev?.kind !== 'value' : prev?.kind === 'word' && SPAN.has(prev.text);
      if (n !== undefined && unit && spans) {
        out.push({ kind: 'value', at: t.at, amount: n, percent: false, duration: unit });
        i++;
      } else out.push(t);
      continue;
    }
    const isYear = Number.isInteger(t.amount) && t.amount >= 1900 && t.amount <= 2100;
    if (isYear && prev?.kind === 'word' && DATE.has(prev.text)) continue;
    const value: ValueToken = { ...t };
    if (next?.kind === 'word' && PER.has(next.text) && after?.kind === 'word' && UNIT_NOUNS[after.text]) {
      value.period = UNIT_NOUNS[after.text];
      i += 2;
    } else if (next?.kind === 'word' && PERIOD_ADJECTIVES[next.text]) {
      value.period = PERIOD_ADJECTIVES[next.text];
      i++;
    } else if (next?.kind === 'word' && UNIT_NOUNS[next.text] && !value.percent) {
      value.duration = UNIT_NOUNS[next.text];
      i++;
    }
    if (prev?.kind === 'word' && prev.text === 'by') {
      const verbs = clause.filter((c): c is WordToken => c.kind === 'word' && c.at < t.at);
      const up = verbs.some((v) => UP.test(v.text));
      const down = verbs.some((v) => DOWN.test(v.text));
      if (up !== down) value.relative = up ? 1 : -1;
    }
    out.push(value);
  }
  return withClausePeriod(out);
}

/** "annual maintenance of 6k", "running cost per month: 500": a period written apart from its value. */
function withClausePeriod(clause: Token[]): Token[] {
  const words = clause.filter((t): t is WordToken => t.kind === 'word');
  let period: TimeUnit | undefined;
  for (const [i, w] of words.entries()) {
    if (PERIOD_ADJECTIVES[w.text]) period ??= PERIOD_ADJECTIVES[w.text];
    else if (PER.has(w.text) && UNIT_NOUNS[words[i + 1]?.text ?? ''] && words[i + 1]!.at === w.at + 1)
      period ??= UNIT_NOUNS[words[i + 1]!.text];
  }
  if (!period) return clause;
  return clause.map((t) =>
    t.kind === 'value' && !t.period && !t.duration && !t.percent && !t.relative ? { ...t, period } : t,
  );
}
