import { registerSecrets } from '@orchestrator/core';
import type { AppConfig } from './env.js';

/** The password of a connection string, if it has one. */
function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hands every secret of the configuration to the core's redaction, so it is taken out of errors,
 * stored text and log lines wherever it shows up (docs/operations.md → Secrets in errors and logs).
 */
export function registerConfiguredSecrets(config: AppConfig, ...databaseUrls: string[]): void {
  const { env } = config;
  registerSecrets([
    env.OPENAI_API_KEY,
    env.ANTHROPIC_API_KEY,
    env.SUPABASE_SERVICE_ROLE_KEY,
    passwordOf(env.DATABASE_URL),
    ...databaseUrls.map(passwordOf),
  ]);
}
