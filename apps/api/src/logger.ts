import pino, { type Logger } from 'pino';
import type { Env } from './config/env.js';

/** One root logger; secrets and auth headers never reach the output. */
export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_PRETTY'>): Logger {
  return pino({
    level: env.LOG_LEVEL,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        '*.apiKey',
        '*.password',
        '*.OPENAI_API_KEY',
        '*.ANTHROPIC_API_KEY',
      ],
      censor: '[redacted]',
    },
    transport: env.LOG_PRETTY ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  });
}
