import path from 'node:path';
import { z } from 'zod';
import { isLoopbackAddress } from '../security/hosts.js';
import { findRepoRoot } from './paths.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const optionalUrl = z.url().optional();

/** Every environment variable the API reads; documented in the README's Configuration table. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: human-readable when stdout is a terminal, JSON otherwise (logger.ts, `logFormat`). */
  LOG_PRETTY: bool.optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  AGENTS_DIR: z.string().min(1).optional(),
  /** Hot reload of agents/ on file changes (off in tests unless a test turns it on). */
  AGENTS_WATCH: bool.default(true),
  WEB_DIST_DIR: z.string().min(1).optional(),
  CORS_ORIGINS: z.string().optional(),
  // Requests per caller (token, person or address) per minute, any route; chat routes and socket
  // messages, which spend LLM tokens, also count against the chat limit (docs/security.md).
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  CHAT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  // Where the counters live: this process, or Postgres when several API processes share the limits.
  RATE_LIMIT_STORE: z.enum(['memory', 'postgres']).default('memory'),
  // Who may call (docs/security.md): `local` — loopback only, one owner, no login; `authenticated` —
  // accounts, sessions and invitations, required to listen on any other address.
  AUTH_MODE: z.enum(['local', 'authenticated']).default('local'),
  // The address people use to reach the app, for the links it makes (invitations, resets, setup);
  // by default the address of the request that asks for the link.
  PUBLIC_URL: optionalUrl,
  /** Host names the server answers to besides loopback ones (a reverse proxy's), comma-separated. */
  ALLOWED_HOSTS: z.string().optional(),
  LLM_PROVIDER: z.enum(['auto', 'offline', 'openai', 'anthropic', 'ollama']).default('auto'),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_BASE_URL: optionalUrl,
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  OLLAMA_BASE_URL: optionalUrl,
  REPLY_TIMEOUT_MS: z.coerce.number().int().min(1000).max(900_000).default(120_000),
  // How long a chat reply stays claimed by its process without renewal; then another process (or
  // this one after a restart) answers the message again. See docs/operations.md.
  CHAT_REPLY_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  OFFLINE_STREAM_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(15),
  // Projects run at once by this process (each a project's run; a run's independent steps run in parallel within it).
  // A run waiting on its agents holds little; projects beyond the bound wait for a slot (docs/operations.md).
  RUNNER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(200),
  STEP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  STEP_BACKOFF_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  // How often agents' error rates are checked for an improvement proposal (0 = never).
  IMPROVEMENT_CHECK_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
  // Run limits and circuit breakers: docs/operations.md#run-limits, docs/operations.md#circuit-breakers.
  RUN_MAX_STEPS: z.coerce.number().int().min(1).max(100_000).default(500),
  RUN_MAX_LOOPS: z.coerce.number().int().min(0).max(1000).default(5),
  CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  CIRCUIT_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(10 * 60_000),
  CIRCUIT_COOLDOWN_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * 60_000),
  // How stale the execution guard's cached budgets and circuits may be w.r.t. other processes (0 = no cache).
  BUDGET_CACHE_MAX_AGE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** USD per million tokens by model, e.g. {"gpt-4o-mini":{"input":0.15,"output":0.6}}; unknown models cost 0. */
  LLM_PRICES: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.object({ input: z.number().min(0), output: z.number().min(0) }).strict()))
    .default({}),
  // Checkpoint retention sweep: keep the newest N checkpoints per thread, delete older ones past a minimum age.
  CHECKPOINT_RETENTION_KEEP_LAST: z.coerce.number().int().min(1).max(100_000).default(50),
  CHECKPOINT_RETENTION_MIN_AGE_HOURS: z.coerce.number().min(0).max(87_600).default(24),
  CHECKPOINT_RETENTION_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60 * 60_000),
  // Large step results: a local folder (default) or Supabase Storage.
  BLOB_STORE: z.enum(['local', 'supabase']).default('local'),
  SUPABASE_URL: optionalUrl,
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(1).optional(),
  SUPABASE_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'must be a bucket name (lower case, digits, . _ -)')
    .default('orchestrator-results'),
  // Supabase Auth access tokens as Bearer credentials (docs/security.md#supabase-auth): verified with
  // the project's JWT secret (HS256) or the keys of its JWKS endpoint (RS256, ES256).
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (a Supabase JWT secret is)').optional(),
  SUPABASE_JWKS_URL: optionalUrl,
  SUPABASE_JWT_ISSUER: z.string().min(1).optional(),
  SUPABASE_JWT_AUDIENCE: z.string().min(1).default('authenticated'),
});

export type Env = z.infer<typeof EnvSchema>;

/** How Supabase Auth access tokens are verified: every part pinned (docs/security.md#supabase-auth). */
export interface SupabaseAuthConfig {
  key: { secret: string } | { jwksUrl: URL };
  issuer: string;
  audience: string;
}

export interface AppConfig {
  env: Env;
  root: string;
  dataDir: string;
  agentsDir: string;
  webDistDir: string;
  migrationsDir: string;
  seedFile: string;
  corsOrigins: string[];
  allowedHosts: string[];
  /** Unset: Bearer credentials are API tokens only. */
  supabaseAuth?: SupabaseAuthConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Parses the environment once at boot; every bad key is listed in one error. */
export function loadConfig(raw: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "not set" (a common result of `FOO= npm start`).
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.LLM_PROVIDER === 'anthropic' && !env.ANTHROPIC_API_KEY)
    problems.push('ANTHROPIC_API_KEY: required when LLM_PROVIDER=anthropic');
  if (env.LLM_PROVIDER === 'openai' && !env.OPENAI_API_KEY && !env.LLM_BASE_URL) {
    problems.push(
      'OPENAI_API_KEY: required when LLM_PROVIDER=openai (or set LLM_BASE_URL for an OpenAI-compatible server)',
    );
  }
  if (env.BLOB_STORE === 'supabase') {
    if (!env.SUPABASE_URL) problems.push('SUPABASE_URL: required when BLOB_STORE=supabase');
    if (!env.SUPABASE_SERVICE_ROLE_KEY) problems.push('SUPABASE_SERVICE_ROLE_KEY: required when BLOB_STORE=supabase');
  }
  if (!isLoopbackAddress(env.HOST) && env.AUTH_MODE !== 'authenticated')
    problems.push(
      `HOST: ${env.HOST} would serve the API beyond this machine without a login; set AUTH_MODE=authenticated, or keep HOST on 127.0.0.1 (docs/security.md)`,
    );
  problems.push(...supabaseAuthProblems(env));
  if (problems.length > 0) throw new ConfigError(problems);
  const root = findRepoRoot();
  const resolve = (p: string | undefined, fallback: string) => path.resolve(root, p ?? fallback);
  return {
    env,
    root,
    dataDir: resolve(env.DATA_DIR, '.data'),
    agentsDir: resolve(env.AGENTS_DIR, 'agents'),
    webDistDir: resolve(env.WEB_DIST_DIR, 'apps/web/dist'),
    migrationsDir: path.join(root, 'supabase/migrations'),
    seedFile: path.join(root, 'supabase/seed.sql'),
    corsOrigins: list(env.CORS_ORIGINS),
    allowedHosts: list(env.ALLOWED_HOSTS),
    ...supabaseAuth(env),
  };
}

function supabaseAuthProblems(env: Env): string[] {
  const secret = env.SUPABASE_JWT_SECRET !== undefined;
  const jwks = env.SUPABASE_JWKS_URL !== undefined;
  if (!secret && !jwks) return [];
  const key = secret ? 'SUPABASE_JWT_SECRET' : 'SUPABASE_JWKS_URL';
  const problems: string[] = [];
  if (env.AUTH_MODE !== 'authenticated')
    problems.push(`${key}: Supabase Auth tokens are accepted only when AUTH_MODE=authenticated`);
  if (secret && jwks)
    problems.push('SUPABASE_JWKS_URL: set SUPABASE_JWT_SECRET (HS256) or SUPABASE_JWKS_URL (RS256, ES256), not both');
  if (!env.SUPABASE_JWT_ISSUER)
    problems.push(
      `SUPABASE_JWT_ISSUER: required with ${key} (the tokens' iss, e.g. https://<project>.supabase.co/auth/v1)`,
    );
  return problems;
}

/** Called once the problems above are ruled out. */
function supabaseAuth(env: Env): { supabaseAuth?: SupabaseAuthConfig } {
  const { SUPABASE_JWT_SECRET: secret, SUPABASE_JWKS_URL: jwksUrl, SUPABASE_JWT_ISSUER: issuer } = env;
  if (!issuer || (!secret && !jwksUrl)) return {};
  const key = secret ? { secret } : { jwksUrl: new URL(jwksUrl!) };
  return { supabaseAuth: { key, issuer, audience: env.SUPABASE_JWT_AUDIENCE } };
}
