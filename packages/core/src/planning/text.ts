/** Small, deterministic text helpers shared by template selection, matching and refinement. */

export const STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'of',
  'for',
  'to',
  'and',
  'or',
  'in',
  'on',
  'at',
  'by',
  'with',
  'our',
  'my',
  'we',
  'us',
  'i',
  'me',
  'your',
  'it',
  'its',
  'this',
  'that',
  'these',
  'those',
  'is',
  'are',
  'be',
  'been',
  'was',
  'will',
  'should',
  'would',
  'could',
  'can',
  'please',
  'step',
  'steps',
  'task',
  'part',
  'phase',
  'from',
  'into',
  'as',
  'so',
  'some',
  'all',
  'any',
  'then',
  'also',
  'just',
  'new',
  'up',
  'out',
  'do',
  'does',
  'need',
  'needs',
  'want',
  'let',
  'lets',
  'over',
  'each',
  'every',
  'whole',
  'thing',
  'things',
  'everything',
  'etc',
  'stuff',
  'proper',
  'properly',
  'really',
  'quickly',
  "let's",
  'get',
  'have',
  'has',
  'make',
  'plan',
  'project',
  'one',
  'there',
  'their',
  'them',
  'they',
  'which',
  'what',
]);

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
  signoff: 'approval',
  'sign-off': 'approval',
  approver: 'approval',
  'go-no-go': 'approval',
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

/** Crude English stem: enough for "approve/approval/approved" or "plan/planning" to meet. */
export function stem(word: string): string {
  const w = SYNONYMS[word.toLowerCase()] ?? word.toLowerCase();
  if (w.length <= 3) return w;
  let s = w.replace(/isation/, 'ization').replace(/ise$/, 'ize');
  for (const suffix of [
    'ations',
    'ation',
    'ments',
    'ment',
    'ings',
    'ing',
    'als',
    'al',
    'ers',
    'er',
    'ed',
    'es',
    's',
    'e',
  ]) {
    if (s.endsWith(suffix) && s.length - suffix.length >= 3) {
      s = s.slice(0, -suffix.length);
      break;
    }
  }
  return /([b-df-hj-np-tv-z])\1$/.test(s) && !s.endsWith('ss') ? s.slice(0, -1) : s;
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
