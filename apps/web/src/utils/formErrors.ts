import type { z } from 'zod';
import type { ApiIssue } from '../api';

/** Field name (or "" for the form as a whole) to the first problem with it. */
export type FieldErrors = Record<string, string>;

/** First message per field; issues on other paths (or the root) belong to the whole form. */
export function errorsFrom(issues: readonly ApiIssue[], fields: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[fields.includes(issue.path) ? issue.path : ''] ??= issue.message;
  return errors;
}

/**
 * Checks a form with the API's own schema, so the page refuses what the server would. `required`
 * names the fields that must not be blank, with what to say when they are (the schema's own
 * "too small" reads badly for an empty field).
 */
export function checkForm<S extends z.ZodType>(
  schema: S,
  value: Record<string, unknown>,
  required: Record<string, string> = {},
): { ok: true; body: z.output<S> } | { ok: false; errors: FieldErrors } {
  const fields = Object.keys(value);
  const blank: FieldErrors = {};
  for (const [field, message] of Object.entries(required)) {
    const v = value[field];
    if (v === undefined || (typeof v === 'string' && v.trim() === '')) blank[field] = message;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success && Object.keys(blank).length === 0) return { ok: true, body: parsed.data };
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return { ok: false, errors: { ...errorsFrom(issues, fields), ...blank } };
}
