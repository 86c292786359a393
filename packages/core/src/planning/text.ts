import { foldBritish, STOPWORDS as ENGLISH_STOPWORDS, stem as stemWord } from '../routing/text.js';

/**
 * The planner's words on top of the core text normalisation (routing/text.ts): its own synonyms
 * ("QA" is testing, "Germany" the German market), the words every plan uses, and ids from names.
 */

/** Words that name parts of any plan: they say nothing about *which* step is meant. */
const PLAN_WORDS = [
  'step',
  'steps',
  'task',
  'part',
  'phase',
  'plan',
  'project',
  'new',
  'every',
  'whole',
  'everything',
  'proper',
  'properly',
  'will',
];

export const STOPWORDS: ReadonlySet<string> = new Set([...ENGLISH_STOPWORDS, ...PLAN_WORDS]);

/** Words people use for the same thing, mapped to one canonical word before stemming. */
const SYNONYMS: Record<string, string> = {
  qa: 'test',
  testing: 'test',
  tester: 'test',
  quality: 'test',
  pr: 'press',
  documentation: 'docs',
  doc: 'docs',
  documents: 'docs',
  // "approval" and "approve" meet: the stemmer keeps "-al" endings.
  approval: 'approve',
  approvals: 'approve',
  signoff: 'approve',
  'sign-off': 'approve',
  approver: 'approve',
  'go-no-go': 'approve',
  golive: 'launch',
  'go-live': 'launch',
  live: 'launch',
  kickoff: 'kick',
  'kick-off': 'kick',
  translation: 'localization',
  translate: 'localization',
  translated: 'localization',
  translations: 'localization',
  localisation: 'localization',
  localise: 'localization',
  localize: 'localization',
  localised: 'localization',
  localized: 'localization',
  article: 'blog',
  postmortem: 'mortem',
  'post-mortem': 'mortem',
  retro: 'mortem',
  retrospective: 'mortem',
  recruit: 'hire',
  recruiting: 'hire',
  recruitment: 'hire',
  website: 'site',
  web: 'site',
  webpage: 'site',
  // A market and its language are the same thing in a step name ("Germany" / "German docs").
  germany: 'german',
  france: 'french',
  spain: 'spanish',
  italy: 'italian',
  japan: 'japanese',
  netherlands: 'dutch',
  brazil: 'portuguese',
  portugal: 'portuguese',
  poland: 'polish',
  sweden: 'swedish',
  china: 'chinese',
  korea: 'korean',
};

/** The core stemmer, after folding a word to the one the planner uses for the same thing. */
export function stem(word: string): string {
  const w = foldBritish(word.toLowerCase());
  return stemWord(SYNONYMS[w] ?? w);
}

/** Lowercase words. */
export function words(text: string): string[] {
  const raw = text.toLowerCase().match(/[a-z0-9]+(?:[-'][a-z0-9]+)*/g) ?? [];
  // A hyphenated word counts whole only when it is a known term ("go-live", "sign-off").
  return raw.flatMap((w) => (w.includes('-') && !SYNONYMS[w] ? w.split('-') : [w]));
}

/** Stems of the meaningful words of a text (or of a snake_case id). */
export function stems(text: string): string[] {
  return [
    ...new Set(
      words(text.replace(/_/g, ' '))
        .filter((w) => !STOPWORDS.has(w))
        .map(stem),
    ),
  ];
}

export const overlap = (a: readonly string[], b: readonly string[]): number => {
  const set = new Set(b);
  return a.filter((x) => set.has(x)).length;
};

/** snake_case id made of the meaningful words, for capability and step ids. */
export function slug(text: string, max = 40): string {
  const base = words(text.replace(/_/g, ' '))
    .filter((w) => !w.includes('-') && !STOPWORDS.has(w))
    .join('_')
    .replace(/[^a-z0-9_]/g, '');
  const cut = base.slice(0, max).replace(/_+$/, '');
  return /^[a-z]/.test(cut) ? cut : `s_${cut || 'step'}`;
}

export const capitalize = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** A step id not in `taken`: `base`, `base_2`, `base_3`… */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const root = base.slice(0, 58);
  if (!taken.has(root)) return root;
  for (let i = 2; ; i++) if (!taken.has(`${root}_${i}`)) return `${root}_${i}`;
}

/** "a, b or c" */
export function joinOr(items: readonly string[], word = 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}
