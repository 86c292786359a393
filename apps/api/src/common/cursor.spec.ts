import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const ID = '00000000-0000-4000-8000-000000000000';
const cursorOf = (at: string, id = ID) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

describe('decodeCursor', () => {
  it('should round-trip what encodeCursor writes', () => {
    const at = new Date('2026-11-21T10:00:00.123Z');
    expect(decodeCursor(encodeCursor(at, ID))).toEqual([at.toISOString(), ID]);
  });

  it.each([
    '1',
    'Tue, 1 Dec 2026',
    'Feb 30 2024',
    '2024-02-30T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '2026-11-21T10:00:00Z',
  ])('should refuse %s, which Date.parse may take but a timestamptz or encodeCursor would not', (at) => {
    expect(() => decodeCursor(cursorOf(at))).toThrow(/not a cursor returned by this API/);
  });

  it('should refuse a cursor whose id is not a UUID', () => {
    expect(() => decodeCursor(cursorOf('2026-11-21T10:00:00.000Z', 'x'))).toThrow(/cursor/);
  });
});
