import { redactSecrets } from '@orchestrator/core';
import pino, { type Logger } from 'pino';
import type { Env } from './config/env.js';

/**
 * One root logger; secrets never reach the output. Known secret fields are censored by path, and
 * every finished line passes through the core's redaction (docs/operations.md → Secrets in errors
 * and logs), which catches what a path cannot: a key inside an error message or a stack.
 */
export function createLogger(
  env: Pick<Env, 'LOG_LEVEL' | 'LOG_PRETTY'>,
  /** Where lines go instead of stdout (tests read them back). */
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: env.LOG_LEVEL,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["proxy-authorization"]',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.apiKey',
        '*.password',
        '*.token',
        '*.OPENAI_API_KEY',
        '*.ANTHROPIC_API_KEY',
        '*.SUPABASE_SERVICE_ROLE_KEY',
      ],
      censor: '[redacted]',
    },
    hooks: { streamWrite: redactSecrets },
    transport: env.LOG_PRETTY && !destination ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}
