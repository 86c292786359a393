import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { redactSecrets } from '@orchestrator/core';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from './config/env.js';
import { createApp } from './app.js';
import { SETUP_TOKEN } from './modules/accounts/accounts.tokens.js';
import type { SetupToken } from './modules/accounts/setup-token.js';
import { createLogger } from './logger.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * On a stop signal: the work stops first (runs, timers, flushes: Nest's shutdown hooks), the
 * database last (app.close), then the process exits. This process owns these signals: the
 * embedded Postgres package stops its server on them by itself (and exits), which would end the
 * connections of the work still stopping (docs/operations.md).
 */
function stopOnSignals(app: INestApplication, logger: Logger): void {
  let stopping = false;
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.fatal({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.env);
  try {
    const app = await createApp({ config, logger });
    await app.listen(config.env.PORT, config.env.HOST);
    stopOnSignals(app, logger);
    const address = app.getHttpServer().address() as { port: number } | null;
    const shownHost = ['127.0.0.1', '0.0.0.0', '::'].includes(config.env.HOST) ? 'localhost' : config.env.HOST;
    // The one line people look for: printed once everything is ready.
    const url = `http://${shownHost}:${address?.port ?? config.env.PORT}`;
    console.log(`Orchestrator is ready: open ${url}`);
    // Only the person who started the server sees this: it is what proves they may set it up.
    const setup = app.get<SetupToken | undefined>(SETUP_TOKEN, { strict: false });
    if (setup) console.log(`First-run setup: open ${url}/setup?token=${setup.value}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err }, 'start-up failed');
    // Not through the logger: this line is for the person at the terminal, and secrets stay out of it too.
    console.error(`Orchestrator could not start: ${redactSecrets(message)}`);
    process.exit(1);
  }
}

void main();
