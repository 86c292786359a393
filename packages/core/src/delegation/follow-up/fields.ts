import type { InputField } from '../../functions/fields.js';
import { tokenTerms, words } from '../../routing/text.js';

export type TimeUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Months in one unit (a year of 365 days, 52 weeks). */
export const MONTHS: Record<TimeUnit, number> = { day: 12 / 365, week: 12 / 52, month: 1, quarter: 3, year: 12 };

/** "monthly", "annual": an amount per unit. */
export const PERIOD_ADJECTIVES: Readonly<Record<string, TimeUnit>> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
  quarterly: 'quarter',
  yearly: 'year',
  annual: 'year',
  annually: 'year',
};

/** "months", "yr": a unit of time. */
export const UNIT_NOUNS: Readonly<Record<string, TimeUnit>> = {
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  wk: 'week',
  wks: 'week',
  month: 'month',
  months: 'month',
  mo: 'month',
  mos: 'month',
  quarter: 'quarter',
  quarters: 'quarter',
  qtr: 'quarter',
  qtrs: 'quarter',
  year: 'year',
  years: 'year',
  yr: 'year',
  yrs: 'year',
  annum: 'year',
};

const PERCENT_WORDS: ReadonlySet<string> = new Set(['pct', 'percent', 'percentage']);
const isShapeWord = (w: string) => w in PERIOD_ADJECTIVES || w in UNIT_NOUNS || PERCENT_WORDS.has(w);

/**
 * A field as the offline reader sees it: the words that name what it is, and its shape — an
 * amount per unit of time, a length of time, a percentage, or a plain value.
 */
export interface FieldProfile {
  field: InputField;
  /** Stemmed words of its name, without the shape words ("monthlyRunningCost" → run, cost). */
  subject: ReadonlySet<string>;
  /** Stemmed words of its description that are not in the name (synonyms, examples). */
  extra: ReadonlySet<string>;
  period?: TimeUnit;
  duration?: TimeUnit;
  percent: boolean;
  /** How a question names it: "monthly running cost". */
  label: string;
}

/** "monthlyRunningCost", "horizon_months" → ["monthly", "running", "cost"], ["horizon", "months"]. */
const nameWords = (name: string): string[] =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);

function shapeFromDescription(text: string): Pick<FieldProfile, 'period' | 'duration' | 'percent'> {
  const lower = text.toLowerCase();
  const per = /\b(?:per|a|an|each|every)\s+(day|week|month|quarter|year|annum)\b/.exec(lower)?.[1];
  const adjective = Object.keys(PERIOD_ADJECTIVES).find((a) => new RegExp(`\\b${a}\\b`).test(lower));
  const duration = /\bin\s+(days|weeks|months|quarters|years)\b/.exec(lower)?.[1];
  return {
    period: per ? UNIT_NOUNS[per] : adjective ? PERIOD_ADJECTIVES[adjective] : undefined,
    duration: duration ? UNIT_NOUNS[duration] : undefined,
    percent: /%|\bpercent/.test(lower),
  };
}

export function profileField(field: InputField): FieldProfile {
  const name = nameWords(field.name);
  let period: TimeUnit | undefined;
  let duration: TimeUnit | undefined;
  let percent = false;
  name.forEach((w, i) => {
    if (w in PERIOD_ADJECTIVES) period = PERIOD_ADJECTIVES[w];
    // A unit at the end names the unit of a length of time ("horizonMonths"), after "per" a rate.
    else if (w in UNIT_NOUNS) {
      if (name[i - 1] === 'per') period = UNIT_NOUNS[w];
      else if (i === name.length - 1) duration = UNIT_NOUNS[w];
    } else if (PERCENT_WORDS.has(w)) percent = true;
  });
  if (!period && !duration && !percent && field.description)
    ({ period, duration, percent } = shapeFromDescription(field.description));
  // A rate in % is a percentage, whatever period it is quoted for.
  if (percent) period = duration = undefined;
  const subject = new Set(name.filter((w) => !isShapeWord(w) && w !== 'per').flatMap(tokenTerms));
  const extra = new Set(
    words(field.description ?? '')
      .filter((w) => !isShapeWord(w))
      .flatMap(tokenTerms)
      .filter((t) => !subject.has(t) && !/\d/.test(t)),
  );
  const label = name.map((w) => (PERCENT_WORDS.has(w) ? '(%)' : w)).join(' ');
  return { field, subject, extra, period, duration, percent, label };
}
