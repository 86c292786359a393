import { z } from 'zod';

export const UuidSchema = z.uuid();

/** Every error the API returns: a stable `domain/reason` code and a message a person can act on. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().regex(/^[a-z_]+\/[a-z_]+$/),
    message: z.string(),
    /** Field-level problems for validation errors: the path and why. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** Machine-readable context of some errors, e.g. the current version on a 409 conflict. */
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const IsoDateSchema = z.iso.datetime({ offset: true });
