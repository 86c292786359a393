import type { z } from 'zod';
import { AppError } from './app-error.js';

/** Validates untrusted input at the edge; a failure names each field and why. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw AppError.fromZod(result.error, where);
  return result.data;
}
