import { AppError, type ErrorIssue } from './app-error.js';

// Postgres `text` and `jsonb` refuse U+0000, and a lone UTF-16 surrogate has no UTF-8 encoding
// (docs/api.md "What is validated where"). Either would fail in SQL as a 500, after earlier writes.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

function problemOf(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  // Multi-line text (a Context.md, a note) gets the line, so a person can find the character.
  const where = text.includes('\n') ? ` on line ${text.slice(0, match.index).split('\n').length}` : '';
  return match[0] === '\u0000'
    ? `must not contain a NUL character (U+0000)${where}`
    : `contains a broken character (lone UTF-16 surrogate)${where}`;
}

const join = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

/**
 * The first string (value or object key) at any depth that the database cannot store, with its
 * path. Iterative, so a body nested thousands of levels deep cannot overflow the stack.
 */
export function findUnstorableText(value: unknown): ErrorIssue | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      const message = problemOf(item);
      if (message) return { path: path || '(root)', message };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], join(path, i)]);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const message = problemOf(key);
        if (message) return { path: join(path, key.replace(UNSTORABLE_ALL, '?')), message: `key ${message}` };
        stack.push([child, join(path, key)]);
      }
    }
  }
  return undefined;
}

/** Refuses input the database cannot store, naming the field: `where` is body, query, path or payload. */
export function assertStorableText(value: unknown, where: string): void {
  const issue = findUnstorableText(value);
  if (issue) throw new AppError('request/invalid', `Invalid ${where}: ${issue.path}: ${issue.message}`, [issue]);
}
