/**
 * The one place secrets are taken out of text before it is stored, shown or logged
 * (docs/operations.md → Secrets in errors and logs): the configured keys by value, then anything
 * shaped like a credential. A leaf module with no imports, so every layer can use it.
 */

const REDACTED = '[redacted]';

/** Shorter configured values are not treated as secrets: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 8;

interface Shape {
  pattern: RegExp;
  /** `$1`… keep what says which credential it was (the scheme, the field name). */
  replacement: string;
}

const KEY_SHAPES: readonly Shape[] = [
  // Authorization header values and their echoes: the scheme stays, the credential goes.
  { pattern: /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, replacement: `$1$2${REDACTED}` },
  // OpenAI (sk-, sk-proj-) and Anthropic (sk-ant-) keys; providers echo them half-masked with '*'.
  { pattern: /\bsk-[A-Za-z0-9_*-]{8,}/g, replacement: REDACTED },
  // JWTs (Supabase keys, auth tokens): a base64url JSON header, payload and signature.
  { pattern: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, replacement: REDACTED },
  // Supabase secret keys, GitHub and Slack tokens, AWS access key ids, Google API keys.
  { pattern: /\bsb_secret_[A-Za-z0-9_-]{8,}/g, replacement: REDACTED },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/g, replacement: REDACTED },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replacement: REDACTED },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/g, replacement: REDACTED },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}/g, replacement: REDACTED },
  // The password of a connection URL: postgres://user:secret@host.
  { pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, replacement: `$1${REDACTED}@` },
  // A named credential in a query string, JSON or a config dump: api_key=…, "password": "…".
  {
    pattern:
      /\b(x-api-key|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|secret)(\s*=\s*|["']?\s*:\s*["'])[^\s"'&]{4,}/gi,
    replacement: `$1$2${REDACTED}`,
  },
];

/** Values from the configuration, longest first (so a key that contains another goes whole). */
let configured: string[] = [];

/**
 * Adds configured secrets (API keys, service-role keys, database passwords): they are redacted
 * wherever they appear, whatever their shape. Process-wide, like the configuration they come from.
 */
export function registerSecrets(values: Iterable<string | null | undefined>): void {
  const next = new Set(configured);
  for (const value of values) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    next.add(value);
    // Log lines are JSON: a value with quotes or backslashes appears there escaped.
    next.add(JSON.stringify(value).slice(1, -1));
  }
  configured = [...next].sort((a, b) => b.length - a.length);
}

export interface Redaction {
  text: string;
  /** How many secrets were taken out (0: the text is unchanged). */
  count: number;
}

/** The text with every secret replaced by `[redacted]`, and how many there were. */
export function redact(text: string): Redaction {
  let out = text;
  let count = 0;
  for (const secret of configured) {
    if (!out.includes(secret)) continue;
    const parts = out.split(secret);
    count += parts.length - 1;
    out = parts.join(REDACTED);
  }
  for (const { pattern, replacement } of KEY_SHAPES) {
    out = out.replace(pattern, (...match: unknown[]) => {
      count += 1;
      const groups = match.slice(1, -2) as (string | undefined)[];
      return replacement.replace(/\$(\d)/g, (_, i: string) => groups[Number(i) - 1] ?? '');
    });
  }
  return { text: out, count };
}

/** The text with every secret replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return redact(text).text;
}

/**
 * The same error with the secrets taken out of its message and stack, in place: its name, status
 * and code still classify it, and whatever stores it next (a checkpoint's error write, a log
 * line) stores no key.
 */
export function redactError<T>(err: T): T {
  if (err instanceof Error) {
    err.message = redactSecrets(err.message);
    if (err.stack) err.stack = redactSecrets(err.stack);
  }
  return err;
}

/** An error's message, safe to store or show. */
export function redactedMessage(err: unknown): string {
  return redactSecrets(err instanceof Error ? err.message : String(err));
}
