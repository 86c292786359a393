import {
  API_TOKEN_MAX_DAYS,
  ApiTokenPageSchema,
  CreatedApiTokenSchema,
  CreateApiTokenBodySchema,
  type ApiToken,
  type CreatedApiToken,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { api as defaultClient, type ApiClient } from './client';

// Personal API tokens, with the contract's schemas (packages/contracts/src/api-tokens.ts).

export { CreateApiTokenBodySchema, type ApiToken, type CreatedApiToken };
export const TOKEN_MAX_DAYS = API_TOKEN_MAX_DAYS;
export const TOKEN_DEFAULT_DAYS = 90;
export type CreateApiTokenBody = z.input<typeof CreateApiTokenBodySchema>;

export interface TokensApi {
  /** The caller's own tokens in the current workspace, revoked and expired ones included. */
  list(): Promise<ApiToken[]>;
  create(body: CreateApiTokenBody): Promise<CreatedApiToken>;
  revoke(id: string): Promise<void>;
}

export function createTokensApi(client: ApiClient = defaultClient): TokensApi {
  return {
    // A person has a handful of tokens: every page, so that none is hidden.
    list: async () => {
      const tokens: ApiToken[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
        const page = await client.request('GET', `/api/tokens${query}`, ApiTokenPageSchema);
        tokens.push(...page.tokens);
        cursor = page.nextCursor;
      } while (cursor);
      return tokens;
    },
    create: (body) => client.request('POST', '/api/tokens', CreatedApiTokenSchema, body),
    revoke: async (id) => {
      await client.request('DELETE', `/api/tokens/${encodeURIComponent(id)}`, z.unknown());
    },
  };
}

/** The app's token endpoints; the tokens store uses this one. */
export const tokensApi: TokensApi = createTokensApi();
