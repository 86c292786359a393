import { IsoDateSchema, RoleSchema, UuidSchema } from '@orchestrator/contracts';
import { z } from 'zod';
import { api as defaultClient, type ApiClient } from './client';

// The one place the web app defines personal API tokens: the API is landing them with their
// schemas in packages/contracts, and then these give way to the contract's.

export const TOKEN_MAX_DAYS = 365;
export const TOKEN_DEFAULT_DAYS = 90;

/** A token as listed: never its secret. Fields the page does not show are not parsed. */
export const ApiTokenSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  /** The public start of the token, to tell tokens apart. */
  prefix: z.string(),
  /** The ceiling: the token acts with this role or its owner's current one, whichever is lower. */
  role: RoleSchema,
  createdAt: IsoDateSchema,
  expiresAt: IsoDateSchema,
  lastUsedAt: IsoDateSchema.nullable(),
  revokedAt: IsoDateSchema.nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** The answer to a creation: the only time the secret is shown. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;

export const CreateApiTokenBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Give the token a name.').max(100),
    /** Defaults to the caller's own role; may not exceed it. */
    role: RoleSchema.optional(),
    expiresInDays: z.number().int().min(1).max(TOKEN_MAX_DAYS).optional(),
  })
  .strict();
export type CreateApiTokenBody = z.input<typeof CreateApiTokenBodySchema>;

const ApiTokenListSchema = z.object({ tokens: z.array(ApiTokenSchema) });

export interface TokensApi {
  /** The caller's own tokens in the current workspace, revoked and expired ones included. */
  list(): Promise<ApiToken[]>;
  create(body: CreateApiTokenBody): Promise<CreatedApiToken>;
  revoke(id: string): Promise<void>;
}

export function createTokensApi(client: ApiClient = defaultClient): TokensApi {
  return {
    list: async () => (await client.request('GET', '/api/tokens', ApiTokenListSchema)).tokens,
    create: (body) => client.request('POST', '/api/tokens', CreatedApiTokenSchema, body),
    revoke: async (id) => {
      await client.request('DELETE', `/api/tokens/${encodeURIComponent(id)}`, z.unknown());
    },
  };
}

/** The app's token endpoints; the tokens store uses this one. */
export const tokensApi: TokensApi = createTokensApi();
