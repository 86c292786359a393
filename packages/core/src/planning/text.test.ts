import { describe, expect, it } from 'vitest';
import { stem as coreStem } from '../routing/text.js';
import { slug, stem, stems } from './text.js';

describe('planning text', () => {
  it('should stem with the core stemmer when a word has no planning synonym', () => {
    for (const w of ['reviewing', 'budgets', 'onboarding', 'forecasts']) expect(stem(w)).toBe(coreStem(w));
  });

  it('should give one stem to the words people use for the same thing', () => {
    expect(new Set(['approval', 'approve', 'approved', 'sign-off', 'signoff', 'approver'].map(stem)).size).toBe(1);
    expect(stems('QA and testing')).toEqual([stem('test')]);
    expect(stems('localisation for Germany')).toEqual([stem('localization'), stem('german')]);
  });

  it('should leave English stopwords and plan words out of ids and stems', () => {
    expect(slug('A blog post about it')).toBe('blog_post');
    expect(stems('the next step of the project')).toEqual([stem('next')]);
  });
});
