/**
 * What must never reach a client: a stack trace, a source path, or text of the database (a query,
 * a Postgres error message or code). Returns the first match, or undefined.
 */
const LEAKS: RegExp[] = [
  // A stack frame: "at fn (file:///app/x.js:1:2)", "at /app/x.js:1:2", "at node:internal/…:1:2".
  /\bat (?:[\w.<>$[\] ]+ \()?(?:file:\/\/|\/|node:)[^\s)]*:\d+:\d+/,
  /\.(ts|js|mjs):\d+:\d+/,
  /node_modules/,
  /\binsert into\s+[\w.]+\s*\(/i,
  /\bupdate\s+[\w.]+\s+set\s+\w+\s*=/i,
  /\bdelete from\s+[\w.]+\s+where\b/i,
  /\bselect\s+[\w.*, ]+\s+from\s+[\w.]+\s+(where|join|order by|group by|limit)\b/i,
  /\$\d+::/,
  /invalid input syntax for/i,
  /invalid byte sequence/i,
  /unsupported Unicode escape/i,
  /violates (unique|foreign key|check|not-null) constraint/i,
  /duplicate key value/i,
  /(relation|column) "[^"]+" does not exist/i,
  /syntax error at or near/i,
  /out of range for type/i,
  /date\/time field value out of range/i,
  /\b(22P02|22021|22007|22008|23505|23503|42P01|42703)\b/,
  /QueryFailedError|DatabaseError|TypeError|RangeError|URIError|SyntaxError: /,
];

export function findLeak(text: string): string | undefined {
  for (const pattern of LEAKS) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}
