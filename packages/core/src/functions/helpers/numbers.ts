/** Number reading for function agents, handed to them as `ctx.helpers.numbers`. */

export interface NumberHelpers {
  /**
   * A money amount as people write it: "1,234.50", "1.234,50", "1 234", "(1,200)" and "1200-"
   * (negative), "€-3.000,00", "-$45", "12 USD". Blank (or "-", "—") → null; not a number → NaN.
   */
  parseAmount(raw: string): number | null;
  /**
   * A plain number as data files write it: optional sign, `1,234` thousands, decimals and an
   * exponent ("-12", "1,000.5", "3e-4"); anything else (currency, "1.234,50", "") → null.
   */
  parsePlain(raw: string): number | null;
}

const CURRENCY_FIRST = /^([$€£¥]|usd|eur|gbp|chf)/i;
const CURRENCY_LAST = /([$€£¥]|usd|eur|gbp|chf)$/i;
const PLAIN = /^[-+]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?([eE][-+]?\d+)?$/;

function parseAmount(raw: string): number | null {
  let t = raw
    .trim()
    .replace(/[\s\u00a0']/g, '')
    .replace(/\u2212/g, '-');
  if (t === '' || t === '-' || t === '—') return null;
  let negative = false;
  const strip = (re: RegExp, flips: boolean) => {
    if (!re.test(t)) return;
    t = t.replace(re, '');
    if (flips) negative = !negative;
  };
  strip(/^-/, true);
  strip(CURRENCY_FIRST, false);
  strip(CURRENCY_LAST, false);
  if (/^\(.*\)$/.test(t)) {
    negative = !negative;
    t = t.slice(1, -1);
  }
  strip(/^-/, true);
  strip(/-$/, true);
  // Both separators: the later one is the decimal mark. One comma: thousands if grouped by three.
  if (t.includes(',') && t.includes('.'))
    t = t.lastIndexOf(',') > t.lastIndexOf('.') ? t.replace(/\./g, '').replace(',', '.') : t.replace(/,/g, '');
  else if (/^\d{1,3}(,\d{3})+$/.test(t)) t = t.replace(/,/g, '');
  else if (/^\d+,\d+$/.test(t)) t = t.replace(',', '.');
  else if (/^\d{1,3}(\.\d{3}){2,}$/.test(t)) t = t.replace(/\./g, '');
  if (!/^\d+(\.\d+)?$/.test(t)) return Number.NaN;
  return (negative ? -1 : 1) * Number(t);
}

function parsePlain(raw: string): number | null {
  const t = raw.trim();
  return PLAIN.test(t) ? Number(t.replace(/,/g, '')) : null;
}

export const numbers: NumberHelpers = Object.freeze({ parseAmount, parsePlain });
