import { MINUTES_PER_DAY, MINUTES_PER_WEEK, parseDuration, toMinutes } from './duration.js';

export interface Market {
  /** As it reads in a sentence: "Germany", "the DACH region". */
  name: string;
  language: string;
  /** False where the product's English content can be used as is. */
  needsLocalization: boolean;
}

export interface Deadline {
  /** The words of the request, e.g. "next quarter", "in 6 weeks". */
  label: string;
  /** Business minutes available; null when it cannot be worked out (a month name without a date). */
  minutes: number | null;
}

export interface RequestContext {
  market: Market | null;
  deadline: Deadline | null;
  /** The request talks about quarters, years or roadmaps. */
  longTermWords: boolean;
}

const m = (name: string, language: string): Market => ({ name, language, needsLocalization: language !== 'English' });

/** Markets by the words people use for them (country, adjective, region). */
const MARKETS: [RegExp, Market][] = [
  [/\b(?:germany|german(?:-speaking)?\s+market|german\s+customers)\b/i, m('Germany', 'German')],
  [/\bdach\b/i, m('the DACH region', 'German')],
  [/\baustria\b/i, m('Austria', 'German')],
  [/\bswitzerland|swiss\b/i, m('Switzerland', 'German')],
  [/\bfrance|french\s+market\b/i, m('France', 'French')],
  [/\bspain|spanish\s+market\b/i, m('Spain', 'Spanish')],
  [/\bmexico|latin america|latam\b/i, m('Latin America', 'Spanish')],
  [/\bitaly|italian\s+market\b/i, m('Italy', 'Italian')],
  [/\bnetherlands|holland|dutch\s+market\b/i, m('the Netherlands', 'Dutch')],
  [/\bbrazil\b/i, m('Brazil', 'Portuguese')],
  [/\bportugal\b/i, m('Portugal', 'Portuguese')],
  [/\bpoland\b/i, m('Poland', 'Polish')],
  [/\bsweden|nordics?\b/i, m('the Nordics', 'Swedish')],
  [/\bjapan\b/i, m('Japan', 'Japanese')],
  [/\b(?:south\s+)?korea\b/i, m('South Korea', 'Korean')],
  [/\bchina\b/i, m('China', 'Chinese')],
  [/\b(?:the\s+)?(?:uk|united kingdom|britain)\b/i, m('the UK', 'English')],
  [/\b(?:US|USA|U\.S\.|[Uu]nited [Ss]tates|[Nn]orth [Aa]merica)\b/, m('the US', 'English')],
  [/\bcanada\b/i, m('Canada', 'English')],
  [/\baustralia\b/i, m('Australia', 'English')],
  [/\bireland\b/i, m('Ireland', 'English')],
];

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** Working minutes on the weekdays after `now` and before `end` (a date at midnight UTC). */
function businessMinutesUntil(now: Date, end: Date): number {
  let days = 0;
  const cursor = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  for (;;) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    if (cursor >= end) return days * MINUTES_PER_DAY;
    const dow = cursor.getUTCDay();
    if (dow !== 0 && dow !== 6) days++;
  }
}

/** First day after the quarter `offset` quarters from now (0: this quarter). */
const afterQuarter = (now: Date, offset: number): Date => {
  const q = Math.floor(now.getUTCMonth() / 3) + offset;
  return new Date(Date.UTC(now.getUTCFullYear(), (q + 1) * 3, 1));
};

/** "next quarter", "in 6 weeks", "within 10 days", "by March", "by the end of the year", "next month". */
export function parseDeadline(text: string, now?: Date): Deadline | null {
  const within =
    /\b(?:in|within|over)\s+(?:the\s+next\s+)?((?:\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a couple of|a few)[\s-]*(?:business\s+|working\s+)?(?:days?|weeks?|months?))\b/i.exec(
      text,
    );
  if (within) {
    const d = parseDuration(within[1]!);
    if (d) return { label: within[0].trim(), minutes: toMinutes(d.duration) };
  }
  if (/\bnext\s+quarter\b/i.test(text)) {
    // Without a date, count the one full quarter that certainly remains.
    return {
      label: 'next quarter',
      minutes: now ? businessMinutesUntil(now, afterQuarter(now, 1)) : 13 * MINUTES_PER_WEEK,
    };
  }
  if (/\b(?:this|the\s+current|end\s+of\s+(?:the\s+)?)\s*quarter\b/i.test(text)) {
    return { label: 'this quarter', minutes: now ? businessMinutesUntil(now, afterQuarter(now, 0)) : null };
  }
  if (/\bnext\s+week\b/i.test(text)) return { label: 'next week', minutes: 2 * MINUTES_PER_WEEK };
  if (/\bnext\s+month\b/i.test(text))
    return {
      label: 'next month',
      minutes: now
        ? businessMinutesUntil(now, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1)))
        : 4 * MINUTES_PER_WEEK,
    };
  if (/\b(?:by|before)\s+(?:the\s+)?end\s+of\s+(?:the\s+)?year\b/i.test(text)) {
    return {
      label: 'by the end of the year',
      minutes: now ? businessMinutesUntil(now, new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1))) : null,
    };
  }
  const month = new RegExp(
    `\\b(?:by|before|in|until)\\s+(?:(?:early|mid|late|the\\s+end\\s+of)\\s+)?(${MONTHS.join('|')})\\b`,
    'i',
  ).exec(text);
  if (month) {
    const index = MONTHS.indexOf(month[1]!.toLowerCase());
    const label = month[0].trim();
    if (!now) return { label, minutes: null };
    const year = index >= now.getUTCMonth() ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
    // "by March" means by the start of March; "in March" or "end of March" by its end.
    const end =
      /^by|^before/i.test(label) && !/end/i.test(label)
        ? new Date(Date.UTC(year, index, 1))
        : new Date(Date.UTC(year, index + 1, 1));
    return { label, minutes: businessMinutesUntil(now, end) };
  }
  return null;
}

export function findMarket(text: string): Market | null {
  for (const [pattern, market] of MARKETS) if (pattern.test(text)) return market;
  return null;
}

export function analyseRequest(request: string, now?: Date): RequestContext {
  return {
    market: findMarket(request),
    deadline: parseDeadline(request, now),
    longTermWords: /\b(?:quarter|quarterly|year|annual|yearly|roadmap|long[- ]term|months)\b/i.test(request),
  };
}
