import type { Duration } from '@orchestrator/contracts';

/** Business calendar: a day is 8 working hours, a week 5 working days. */
export const MINUTES_PER_HOUR = 60;
export const MINUTES_PER_DAY = 8 * MINUTES_PER_HOUR;
export const MINUTES_PER_WEEK = 5 * MINUTES_PER_DAY;

const UNIT_MINUTES: Record<Duration['unit'], number> = {
  minutes: 1,
  hours: MINUTES_PER_HOUR,
  days: MINUTES_PER_DAY,
  weeks: MINUTES_PER_WEEK,
};

export const toMinutes = (d: Duration): number => d.value * UNIT_MINUTES[d.unit];

const roundHalf = (n: number): number => Math.max(0.5, Math.round(n * 2) / 2);

/** The largest sensible unit, rounded to half units (whole minutes below an hour). */
export function fromMinutes(minutes: number): Duration {
  if (minutes >= MINUTES_PER_WEEK) return { value: roundHalf(minutes / MINUTES_PER_WEEK), unit: 'weeks' };
  if (minutes >= MINUTES_PER_DAY) return { value: roundHalf(minutes / MINUTES_PER_DAY), unit: 'days' };
  if (minutes >= MINUTES_PER_HOUR) return { value: roundHalf(minutes / MINUTES_PER_HOUR), unit: 'hours' };
  return { value: Math.max(1, Math.round(minutes)), unit: 'minutes' };
}

/** "1 week", "2.5 days", "30 minutes". */
export function formatDuration(d: Duration): string {
  const singular = d.unit.slice(0, -1);
  return `${d.value} ${d.value === 1 ? singular : d.unit}`;
}

const WORD_NUMBERS: Record<string, number> = {
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
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  'a couple of': 2,
  'a couple': 2,
  couple: 2,
  'a few': 3,
  few: 3,
  half: 0.5,
  'half a': 0.5,
  'half an': 0.5,
};

const NUMBER = `(\\d+(?:[.,]\\d+)?|${Object.keys(WORD_NUMBERS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
const UNIT = '(min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|business days?|working days?|weeks?|wks?|months?)';
/** Matches "2 weeks", "a day", "3.5 days", "half a day", "two-week", "an extra week". */
export const DURATION_PATTERN = new RegExp(
  `\\b${NUMBER}[\\s-]*(?:(?:extra|more|additional|further)\\s+)?${UNIT}\\b`,
  'i',
);

function unitOf(raw: string): Duration['unit'] | 'months' {
  const u = raw.toLowerCase();
  if (u.startsWith('min')) return 'minutes';
  if (u.startsWith('h')) return 'hours';
  if (u.includes('day')) return 'days';
  if (u.startsWith('w')) return 'weeks';
  return 'months';
}

/** Finds a duration in free text; months count as 4 business weeks. */
export function parseDuration(text: string): { duration: Duration; match: string } | null {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return null;
  const rawNumber = m[1]!.toLowerCase();
  const value = WORD_NUMBERS[rawNumber] ?? Number(rawNumber.replace(',', '.'));
  if (!Number.isFinite(value) || value <= 0) return null;
  const unit = unitOf(m[2]!);
  const duration: Duration = unit === 'months' ? { value: value * 4, unit: 'weeks' } : { value, unit };
  if (duration.value > 10_000) return null;
  return { duration, match: m[0] };
}

/** Keeps a value schema-valid after arithmetic (e.g. "shorten by 3 days" on a 2-day step). */
export function clampDuration(minutes: number): Duration {
  const safe = Math.max(30, minutes);
  for (const unit of ['weeks', 'days', 'hours'] as const) {
    const value = safe / UNIT_MINUTES[unit];
    if (value >= 1 && Number.isInteger(value * 2)) return { value, unit };
  }
  return fromMinutes(safe);
}
