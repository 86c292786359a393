/** Injection tokens for values created before Nest starts (see app.ts). */
export const PG_POOL = Symbol('PG_POOL');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
export const LLM_PROVIDER = Symbol('LLM_PROVIDER');
