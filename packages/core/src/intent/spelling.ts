/**
 * Corrects typos ("andriod", "pipline", "dashbaord") to words the classifier knows, before
 * anything else looks at the message, so the capability index, the cues and the n-grams all see
 * the intended word. Symmetric-delete lookup: a word and its vocabulary neighbour at one edit
 * (insertion, deletion, substitution or swap of two adjacent letters) share a one-letter deletion.
 */

/** Shorter words have too many neighbours at one edit to correct safely. */
const MIN_LENGTH = 5;
/** Longer "words" are codes, hashes or noise; their deletions would also cost quadratic time. */
const MAX_LENGTH = 24;
/** A correction target must be seen at least this often (a one-off word is no evidence). */
const MIN_COUNT = 2;

const WORD = /[A-Za-z]+/g;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

export class SpellingCorrector {
  private readonly counts = new Map<string, number>();
  /** one-letter deletion → vocabulary words it comes from */
  private readonly deletes = new Map<string, string[]>();

  constructor(texts: Iterable<string>) {
    for (const t of texts)
      for (const w of t.toLowerCase().match(WORD) ?? []) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
    for (const [w, n] of this.counts) {
      if (n < MIN_COUNT || w.length < MIN_LENGTH - 1 || w.length > MAX_LENGTH + 1) continue;
      for (const d of new Set(deletions(w))) this.deletes.set(d, [...(this.deletes.get(d) ?? []), w]);
    }
  }

  get vocabularySize(): number {
    return this.counts.size;
  }

  /** The known word one edit away from `word`, or undefined when it is known, too short or ambiguous. */
  correctWord(word: string): string | undefined {
    const w = word.toLowerCase();
    if (w.length < MIN_LENGTH || w.length > MAX_LENGTH || this.counts.has(w)) return undefined;
    const candidates = new Set<string>();
    // w is a known word with one letter missing ("pipline" ← "pipeline").
    for (const c of this.deletes.get(w) ?? []) candidates.add(c);
    for (const d of new Set(deletions(w))) {
      // w has one extra letter ("regressiion" → "regression").
      if ((this.counts.get(d) ?? 0) >= MIN_COUNT) candidates.add(d);
      // w has one wrong or swapped letter ("andriod" → "android").
      for (const c of this.deletes.get(d) ?? []) if (c.length === w.length) candidates.add(c);
    }
    let best: string | undefined;
    let bestCount = 0;
    let tie = false;
    for (const c of candidates) {
      const n = this.counts.get(c) ?? 0;
      if (n > bestCount) [best, bestCount, tie] = [c, n, false];
      else if (n === bestCount) tie = true;
    }
    return tie ? undefined : best;
  }

  /** The text with unknown words replaced by their correction; everything else untouched. */
  correct(text: string): string {
    return text.replace(WORD, (w) => {
      const fixed = this.correctWord(w);
      if (!fixed) return w;
      return w === w.toUpperCase() && w.length > 1
        ? fixed.toUpperCase()
        : w[0] === w[0]!.toUpperCase()
          ? fixed[0]!.toUpperCase() + fixed.slice(1)
          : fixed;
    });
  }
}
