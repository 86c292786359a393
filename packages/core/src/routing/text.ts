/**
 * The one text normalisation of core, shared by capability matching, the offline intent model,
 * the planner and the agent builder: tokenising, British/American spelling folding, a light
 * suffix stemmer and an English stopword list. Deliberately small and deterministic: the same
 * input always gives the same tokens.
 */

/** Function words and request filler that say nothing about *what* is asked. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between both but by
  can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't
  have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't
  it it's its itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own
  same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves then there there's
  these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were
  weren't what what's when when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
  you've your yours yourself yourselves
  please pls plz thanks thank hi hello hey just can you could would like need needs want wants get got make made let lets someone
  somebody something thing things stuff ok okay yes yeah sure really actually also us our we'd i'd via per etc one two three
  kind sort way lot bit quick quickly asap`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words for any agent: they say nothing about *which* agent is meant. */
const AGENT_WORDS: ReadonlySet<string> = new Set(['agent', 'agents', 'bot']);
const isStopword = (w: string): boolean => STOPWORDS.has(w) || AGENT_WORDS.has(w);

/** Spelling variants folded to one form before stemming ("optimise" → "optimize"). */
const SPELLING: ReadonlyArray<[RegExp, string]> = [
  [/isation/g, 'ization'],
  [
    /(optim|organ|prioriti|summar|custom|local|standard|recogn|final|author|central|util|minim|maxim|categor|visual|digit|modern|real|special|stabil|synchron|capital|normal|emphas|critic|apolog|personal|monet|sanit)is(e|ed|es|ing|er|ers)\b/g,
    '$1iz$2',
  ],
  [/\banaly(se|sed|ses|sing)\b/g, 'analyz$1'],
  [/\blicen[cs]/g, 'licens'],
  [/\b(colo|behavio|favo|honou?|labo|flavo|rumo)ur/g, '$1r'],
  [/\bcent(re|res)\b/g, 'center'],
  [/\bcatalogue\b/g, 'catalog'],
  [/\bprogramme/g, 'program'],
  [/\bcheque/g, 'check'],
];

/** Multi-word synonyms folded to the term agent profiles use ("single sign-on" → "sso"). */
const SYNONYMS: ReadonlyArray<[RegExp, string]> = [
  [/\bsingle sign[- ]?on\b/g, 'sso'],
  [/\b(log ?in|log into|logging in|sign ?in|signing in|access to my)\b/g, 'login'],
  [/\b(can'?t|cannot|can not|unable to) get into\b/g, '$1 login'],
  [/\bpull requests?\b/g, 'pr'],
  [/\bmonth[- ]end\b/g, 'month-end'],
];

/** British spellings to American ones ("optimise" → "optimize"), in lowercase text. */
export function foldBritish(text: string): string {
  let out = text;
  for (const [re, to] of SPELLING) out = out.replace(re, to);
  return out;
}

function foldSpelling(text: string): string {
  let out = foldBritish(text);
  for (const [re, to] of SYNONYMS) out = out.replace(re, to);
  return out;
}

const VOWEL = /[aeiouy]/;

/** Stems are memoised: the same few thousand words recur in every message and profile. */
const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_LIMIT = 50_000;

/**
 * A light suffix stemmer (Porter step 1 and a few derivational endings). It only needs to map
 * the usual inflections of one word to one key ("reviews", "reviewing", "reviewer" → "review");
 * it is not linguistically complete.
 */
export function stem(word: string): string {
  const cached = STEM_CACHE.get(word);
  if (cached !== undefined) return cached;
  const result = stemUncached(word);
  if (STEM_CACHE.size >= STEM_CACHE_LIMIT) STEM_CACHE.clear();
  STEM_CACHE.set(word, result);
  return result;
}

function stemUncached(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !/(ss|us|is|ys)$/.test(w) && w.length > 3) w = w.slice(0, -1);
  const strip = (suffix: string, min: number, replacement = ''): boolean => {
    if (w.endsWith(suffix) && w.length - suffix.length >= min && VOWEL.test(w.slice(0, -suffix.length))) {
      w = w.slice(0, -suffix.length) + replacement;
      return true;
    }
    return false;
  };
  // Derivational endings first, longest first; the first that applies wins.
  const derivational: Array<[string, number, string?]> = [
    ['izations', 3, 'iz'],
    ['isons', 4],
    ['ison', 4],
    ['ysis', 2, 'yz'],
    ['yst', 2, 'yz'],
    ['ization', 3, 'iz'],
    ['ational', 3, 'at'],
    ['ations', 3, 'at'],
    ['ation', 3, 'at'],
    ['ments', 4],
    ['ment', 4],
    ['ness', 4],
    ['ities', 3],
    ['ity', 4],
    ['ively', 3],
    ['ive', 4],
    ['ally', 3],
    ['ly', 4],
    ['ings', 3],
    ['ing', 3],
    ['ied', 3, 'y'],
    ['ed', 3],
    ['ers', 3],
    ['er', 3],
    ['ors', 4],
    ['or', 4],
    ['ions', 3],
    ['ion', 3],
  ];
  for (const [suffix, min, replacement] of derivational) {
    // "engineer" keeps its "er"; short "-or" words ("vendor", "major") keep theirs.
    if (suffix === 'er' && w.endsWith('eer')) continue;
    if (suffix === 'or' && w.length <= 6) continue;
    if (strip(suffix, min, replacement)) break;
  }
  // Undouble ("running" → "run") and drop a final e ("write"/"writing" → "writ").
  if (/([bdfgmnprt])\1$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length >= 4) w = w.slice(0, -1);
  return w;
}

/** Lowercased word tokens with apostrophes kept inside words ("don't"), URLs and numbers intact. */
export function words(text: string): string[] {
  const prepared = text
    // An upper-case "IT" is the department, not the pronoun: keep it distinguishable.
    .replace(/\bIT\b/g, ' helpdesk ')
    .replace(/[’‘`]/g, "'")
    .toLowerCase();
  return foldSpelling(prepared).match(/[a-z0-9]+(?:['.\-&/][a-z0-9]+)*/g) ?? [];
}

/** Splits compound tokens ("tier-1", "ci/cd", "p&l") into their parts as extra tokens. */
function expand(token: string): string[] {
  if (!/[.\-&/]/.test(token)) return [token];
  const parts = token.split(/[.\-&/]/).filter((p) => p.length > 0);
  // Keep the joined form too ("ci/cd" → "cicd") so compact spellings still match.
  return [token.replace(/[.\-&/]/g, ''), ...parts];
}

/** Content terms of one token from `words()`: stopwords removed, stemmed, compounds expanded. */
export function tokenTerms(token: string): string[] {
  if (isStopword(token)) return [];
  const out: string[] = [];
  for (const part of expand(token.replace(/'s$/, '').replace(/'/g, ''))) {
    if (part.length < 2 && !/\d/.test(part)) continue;
    if (isStopword(part)) continue;
    out.push(stem(part));
  }
  return out;
}

/** Content terms for retrieval: stopwords removed, stemmed, compounds expanded. */
export function contentTerms(text: string): string[] {
  return words(text).flatMap(tokenTerms);
}

/** Adjacent pairs of content terms, used as phrase matches ("pull request", "month end"). */
export function bigrams(terms: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < terms.length; i++) out.push(`${terms[i]}_${terms[i + 1]}`);
  return out;
}
