import { describe, expect, it } from 'vitest';
import { isAppError } from './app-error.js';
import { assertStorableText, findUnstorableText } from './storable-text.js';

describe('findUnstorableText', () => {
  it('should accept text Postgres stores, surrogate pairs and control characters other than NUL included', () => {
    expect(
      findUnstorableText({ a: 'plain', b: ['😀 emoji', 'tab\tand\nnewline', '\u0001'], c: 1, d: null }),
    ).toBeUndefined();
  });

  it.each([
    ['a NUL', { title: 'a\u0000b' }, 'title', /NUL/],
    ['a lone high surrogate', { title: 'x\ud800' }, 'title', /surrogate/],
    ['a lone low surrogate', { title: '\udc00x' }, 'title', /surrogate/],
    ['a reversed pair', { title: '\udc00\ud800' }, 'title', /surrogate/],
    ['a NUL deep inside', { steps: [{ notes: ['ok', 'b\u0000'] }] }, 'steps.0.notes.1', /NUL/],
    ['a NUL in a key', { meta: { 'k\u0000ey': 1 } }, 'meta.k?ey', /key .*NUL/],
    ['a NUL at the root', '\u0000', '(root)', /NUL/],
  ])('should name the field when the value has %s', (_what, value, path, message) => {
    const issue = findUnstorableText(value);
    expect(issue?.path).toBe(path);
    expect(issue?.message).toMatch(message);
  });

  it('should walk a body nested far deeper than the call stack allows', () => {
    let value: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(findUnstorableText(value)?.path.split('.')).toHaveLength(100_000);
  });
});

describe('assertStorableText', () => {
  it('should throw request/invalid naming where and which field', () => {
    try {
      assertStorableText({ content: 'x\u0000' }, 'body');
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err) && err.code).toBe('request/invalid');
      expect((err as Error).message).toBe('Invalid body: content: must not contain a NUL character (U+0000)');
    }
  });
});
