import 'reflect-metadata';
import { redactSecrets } from '@orchestrator/core';
import { ConfigError, loadConfig } from './config/env.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';

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
    const address = app.getHttpServer().address() as { port: number } | null;
    const shownHost = ['127.0.0.1', '0.0.0.0', '::'].includes(config.env.HOST) ? 'localhost' : config.env.HOST;
    // The one line people look for: printed once everything is ready.
    console.log(`Orchestrator is ready: open http://${shownHost}:${address?.port ?? config.env.PORT}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err }, 'start-up failed');
    // Not through the logger: this line is for the person at the terminal, and secrets stay out of it too.
    console.error(`Orchestrator could not start: ${redactSecrets(message)}`);
    process.exit(1);
  }
}

void main();
