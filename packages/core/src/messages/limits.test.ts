import { MESSAGE_MAX_CHARS } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { fitMessage, quoteExcerpt, QUOTE_MAX_CHARS } from './limits.js';

describe('quoteExcerpt', () => {
  it('should quote short text whole', () => {
    expect(quoteExcerpt('Write the launch post')).toBe('Write the launch post');
  });

  it('should cut long text at a word and say how much was left out when it is over the quote limit', () => {
    const text = 'launch '.repeat(1000);
    const quoted = quoteExcerpt(text);
    expect(quoted.length).toBeLessThan(QUOTE_MAX_CHARS + 40);
    expect(quoted).toMatch(/^launch launch .*launch … \([\d,]+ more characters\)$/);
  });
});

describe('fitMessage', () => {
  it('should leave a message that fits unchanged', () => {
    const text = 'x'.repeat(MESSAGE_MAX_CHARS);
    expect(fitMessage(text)).toBe(text);
  });

  it('should cut a longer text to the limit and say so', () => {
    const fitted = fitMessage('y'.repeat(50_000));
    expect(fitted.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS);
    expect(fitted).toMatch(/cut here: the full text was 50,000 characters/);
  });

  it('should never leave half of a surrogate pair when it cuts through an emoji', () => {
    const fitted = fitMessage('🚀'.repeat(20_000));
    expect(fitted.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS);
    expect(fitted).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
