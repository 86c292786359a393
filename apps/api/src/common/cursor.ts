import { AppError } from './app-error.js';

/** Keyset pagination cursor over (timestamp, id): stable while new rows arrive. */
export const encodeCursor = (at: Date, id: string): string =>
  Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      isCursorTime(value[0]) &&
      isUuid(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // reported below
  }
  throw new AppError('request/invalid', 'Invalid query: cursor: not a cursor returned by this API', [
    { path: 'cursor', message: 'not a cursor returned by this API' },
  ]);
}

// Exactly what encodeCursor writes, years 0001–9999: `Date.parse` also takes "1", "Feb 30 2024",
// year 0 and six-digit years, which a timestamptz refuses (a 500 from SQL instead of a 400).
const CURSOR_TIME = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isCursorTime = (value: string): boolean => CURSOR_TIME.test(value) && new Date(value).toISOString() === value;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
