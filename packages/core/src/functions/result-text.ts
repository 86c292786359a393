/**
 * A step's text result on its way to storage. A result can be 100 MB (docs/performance.md, "Large
 * step results"): it is held in memory once, by the agent that produced it, and everything here
 * works on that one copy — pieces are never concatenated, previews never point into it, and its
 * UTF-8 bytes are produced in slices with the event loop free in between.
 */

/** The text of a result: one string, or its pieces in order (e.g. a header and an agent's body). */
export type ResultText = string | readonly string[];

const parts = (text: ResultText): readonly string[] => (typeof text === 'string' ? [text] : text);
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Length in UTF-16 code units (what `String.length` counts), without joining the pieces. */
export const resultLength = (text: ResultText): number => parts(text).reduce((n, p) => n + p.length, 0);

/** The whole text as one string: only for results small enough to be stored inline. */
export const joinResult = (text: ResultText): string => (typeof text === 'string' ? text : text.join(''));

/**
 * The first `chars` code units as a string of its own (a surrogate pair is never cut). A plain
 * `slice` of a large string is a view that keeps the whole string alive for as long as the
 * preview lives — in the graph's state and the run's state, for the rest of the run.
 */
export function resultPreview(text: ResultText, chars: number): string {
  let out = '';
  for (const part of parts(text)) {
    if (out.length >= chars) break;
    out += part.slice(0, chars - out.length);
  }
  if (out.length > 0 && isHighSurrogate(out.charCodeAt(out.length - 1))) out = out.slice(0, -1);
  // A round trip through a buffer copies the code units exactly, so nothing refers to the result.
  return Buffer.from(out, 'utf16le').toString('utf16le');
}

/**
 * The text in slices of at most `sliceChars` code units, in order; a surrogate pair split across
 * slices or pieces is held back and joined, so each slice encodes to UTF-8 on its own exactly
 * as the whole text would (a lone surrogate still becomes U+FFFD, as in `Buffer.from`).
 */
export function* textSlices(text: ResultText, sliceChars: number): Generator<string> {
  let carry = '';
  for (const part of parts(text)) {
    for (let i = 0; i < part.length;) {
      let end = Math.min(i + sliceChars, part.length);
      const held = isHighSurrogate(part.charCodeAt(end - 1));
      if (held) end--;
      const slice = carry + part.slice(i, end);
      carry = held ? part.charAt(end) : '';
      if (slice.length > 0) yield slice;
      i = held ? end + 1 : end;
    }
  }
  if (carry) yield carry;
}

export interface ResultChunksOptions {
  /** Code units per slice (default 64 Ki: 64–192 kB of UTF-8). */
  sliceChars?: number;
  /** Longest the loop is held, counting the consumer's work on the slices, before yielding (default 5 ms). */
  yieldAfterMs?: number;
}

/** Lets timers and I/O run: `setImmediate` runs after the poll phase, so waiting requests are served. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The chunked serialiser: the result's UTF-8 bytes, slice by slice, yielding to the event loop
 * whenever `yieldAfterMs` have passed since the last yield. The time is measured between slices,
 * so it includes what the consumer did with the previous ones (hashing, writing), as long as it
 * does that synchronously. Each slice is a fresh buffer that the consumer may keep.
 */
export async function* resultChunks(text: ResultText, options: ResultChunksOptions = {}): AsyncGenerator<Buffer> {
  const sliceChars = options.sliceChars ?? 64 * 1024;
  const yieldAfterMs = options.yieldAfterMs ?? 5;
  let since = performance.now();
  for (const slice of textSlices(text, sliceChars)) {
    if (performance.now() - since >= yieldAfterMs) {
      await yieldToLoop();
      since = performance.now();
    }
    yield Buffer.from(slice, 'utf8');
  }
}
