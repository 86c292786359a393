import { describe, expect, it } from 'vitest';
import { numbers } from './numbers.js';

describe('numbers.parseAmount', () => {
  it.each([
    ['1,234.50', 1234.5],
    ['1.234,50', 1234.5],
    ['1 234', 1234],
    ["1'234.5", 1234.5],
    ['1.234.567', 1234567],
    ['12,5', 12.5],
    ['$12,000.00', 12000],
    ['€ 30.000,00', 30000],
    ['12 USD', 12],
    ['(1,200)', -1200],
    ['(1 200)', -1200],
    ['-$45', -45],
    ['€-3.000,00', -3000],
    ['\u2212 7', -7],
    ['50-', -50],
    ['1.5', 1.5],
  ])('should read %j as %d', (raw, value) => {
    expect(numbers.parseAmount(raw)).toBe(value);
  });

  it('should return null for blank cells and NaN for text', () => {
    for (const blank of ['', '  ', '-', '—']) expect(numbers.parseAmount(blank)).toBeNull();
    for (const text of ['12x', 'abc', '1,2,3', '$']) expect(numbers.parseAmount(text)).toBeNaN();
  });
});

describe('numbers.parsePlain', () => {
  it('should read signed numbers, thousands commas, decimals and exponents', () => {
    expect(numbers.parsePlain(' 42 ')).toBe(42);
    expect(numbers.parsePlain('-1,000.25')).toBe(-1000.25);
    expect(numbers.parsePlain('+3e-2')).toBe(0.03);
  });

  it('should refuse currency, European decimals and text', () => {
    for (const raw of ['$5', '1.234,50', '1,00', '', 'NA', '12x']) expect(numbers.parsePlain(raw)).toBeNull();
  });
});
