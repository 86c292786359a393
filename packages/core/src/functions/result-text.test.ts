import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { joinResult, resultChunks, resultLength, resultPreview, textSlices, type ResultText } from './result-text.js';

/** Text whose multi-byte characters and surrogate pairs fall on every kind of boundary. */
const awkward = (chars: number) => 'a😀é'.repeat(Math.ceil(chars / 4)).slice(0, chars);

async function serialise(text: ResultText, sliceChars?: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of resultChunks(text, { sliceChars })) chunks.push(chunk);
  return chunks;
}

describe('textSlices', () => {
  it('should never end a slice inside a surrogate pair when pairs straddle slice and piece boundaries', () => {
    const text = awkward(1001);
    // Pieces cut right between the two halves of a pair, and slices of every small width.
    const pieces = [text.slice(0, 2), text.slice(2, 5), text.slice(5, 6), text.slice(6)];
    expect(pieces[0]!.charCodeAt(1)).toBeGreaterThanOrEqual(0xd800);
    for (const width of [1, 2, 3, 7, 64]) {
      const slices = [...textSlices(pieces, width)];
      expect(slices.join('')).toBe(text);
      for (const s of slices) expect(Buffer.from(s, 'utf8').toString('utf8')).toBe(s);
      expect(slices.every((s) => s.length <= width + 1)).toBe(true);
    }
  });

  it('should keep a lone surrogate in place when it has no other half', () => {
    const text = ['ab\ud800', 'cd', '\udc00x'];
    expect([...textSlices(text, 2)].join('')).toBe(joinResult(text));
  });
});

describe('resultChunks (the chunked serialiser)', () => {
  it('should produce exactly the UTF-8 bytes of the joined text when the text comes in pieces', async () => {
    const text = awkward(300_001);
    const pieces = ['**Header**\n\n', text.slice(0, 99_999), text.slice(99_999)];
    const chunks = await serialise(pieces, 4096);
    expect(Buffer.concat(chunks).equals(Buffer.from(joinResult(pieces), 'utf8'))).toBe(true);
    expect(chunks.length).toBeGreaterThan(70);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(4097 * 3);
  });

  it('should encode a lone surrogate as U+FFFD like Buffer.from does when the text is malformed', async () => {
    const text = 'x\ud800y\udc00';
    expect(Buffer.concat(await serialise(text, 1)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('should let timers run between slices when serialising takes longer than its time slice', async () => {
    // A consumer that spends 2 ms on each slice: with a 5 ms slice the loop is freed every few slices.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let slices = 0;
    for await (const _chunk of resultChunks('x'.repeat(200_000), { sliceChars: 1000, yieldAfterMs: 5 })) {
      const until = performance.now() + 2;
      while (performance.now() < until);
      slices++;
    }
    clearInterval(timer);
    expect(slices).toBe(200);
    expect(ticks).toBeGreaterThan(10);
  });

  it('should yield nothing for an empty result', async () => {
    expect(await serialise(['', ''])).toEqual([]);
  });
});

describe('resultPreview', () => {
  it('should take the first characters across pieces without cutting a surrogate pair', () => {
    expect(resultPreview(['ab', 'c😀d'], 4)).toBe('abc');
    expect(resultPreview(['ab', 'c😀d'], 5)).toBe('abc😀');
    expect(resultPreview('short', 200)).toBe('short');
  });

  it('should not keep the result alive when the result is dropped and its preview kept', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    // Twenty 8 MB results (distinct, so none is shared); a view of each would keep 160 MB alive.
    const previews = Array.from({ length: 20 }, (_, i) => resultPreview(String(i).padEnd(8_000_000, 'y'), 2000));
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20_000_000);
    expect(previews[7]).toBe('7'.padEnd(2000, 'y'));
  });
});

describe('resultLength', () => {
  it('should count the code units of every piece when the text comes in pieces', () => {
    expect(resultLength(['ab', '', 'c😀'])).toBe(5);
    expect(resultLength('abc')).toBe(3);
  });
});
