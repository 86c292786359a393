import { z } from 'zod';
import { RoleSchema } from './permissions.js';
import { IsoDateSchema, UuidSchema } from './common.js';

// Personal API tokens for scripts and agents (docs/api.md#api-tokens, docs/security.md#api-tokens).

export const API_TOKEN_MAX_DAYS = 365;

/** A token as listed: never its secret nor its hash. */
export const ApiTokenSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  /** The public part of the token (`orch_<prefix>_…`): tells tokens apart in lists and logs. */
  prefix: z.string(),
  /** The ceiling: the token acts with this role or the user's current role, whichever is lower. */
  role: RoleSchema,
  createdAt: IsoDateSchema,
  expiresAt: IsoDateSchema,
  /** Updated at most once a minute. */
  lastUsedAt: IsoDateSchema.nullable(),
  revokedAt: IsoDateSchema.nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** The answer to a creation: the only time the full token is shown. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;

export const CreateApiTokenBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Defaults to the caller's own role; may not exceed it. */
    role: RoleSchema.optional(),
    expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).default(90),
  })
  .strict();
export type CreateApiTokenBody = z.infer<typeof CreateApiTokenBodySchema>;

export const ApiTokenListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export type ApiTokenListQuery = z.infer<typeof ApiTokenListQuerySchema>;

/** The caller's own tokens in the current workspace, newest first (revoked and expired ones included). */
export const ApiTokenPageSchema = z.object({ tokens: z.array(ApiTokenSchema), nextCursor: z.string().nullable() });
export type ApiTokenPage = z.infer<typeof ApiTokenPageSchema>;
