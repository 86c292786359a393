import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLlmProvider } from '@orchestrator/core';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { requireJsonRequests } from './common/json-body.middleware.js';
import { type AppConfig } from './config/env.js';
import { llmSettingsFromEnv } from './config/llm.js';
import { registerConfiguredSecrets } from './config/secrets.js';
import { bootDatabase } from './database/boot.js';
import { NestLogger } from './nest-logger.js';
import { hostCheck } from './security/host-check.middleware.js';
import { HostPolicy } from './security/hosts.js';
import { GuardedIoAdapter } from './security/socket-adapter.js';
import { precompressedAssets } from './web/static-assets.js';
import type { LlmProvider } from '@orchestrator/core';

/** Request bodies above this are refused before parsing (the largest valid body is ~130 kB). */
const BODY_LIMIT = '512kb';

export interface AppOptions {
  config: AppConfig;
  logger: Logger;
  /** Tests inject a scripted model; otherwise the environment decides. */
  llm?: LlmProvider;
}

/** Boots database, registry and Nest; returns an app that is initialised but not listening. */
export async function createApp({ config, logger, llm }: AppOptions): Promise<INestApplication> {
  registerConfiguredSecrets(config);
  const database = await bootDatabase(config, logger);
  try {
    const provider = llm ?? createLlmProvider(llmSettingsFromEnv(config.env));
    logger.info(
      { llm: provider.info },
      provider.info.offline ? 'no LLM configured: using the built-in offline model' : 'LLM provider configured',
    );
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, database, llm: provider, logger }),
      {
        bufferLogs: true,
        bodyParser: false,
        cors: config.corsOrigins.length ? { origin: config.corsOrigins } : false,
      },
    );
    app.useLogger(app.get(NestLogger));
    const hosts = new HostPolicy(config.allowedHosts, config.corsOrigins);
    // First of all: a request for another host name is not ours to answer (docs/security.md).
    app.use(hostCheck(hosts));
    app.useWebSocketAdapter(new GuardedIoAdapter(app, hosts));
    // Before the parser: a body in another media type is refused unread (docs/api.md).
    app.use('/api', requireJsonRequests);
    app.useBodyParser('json', { limit: BODY_LIMIT });
    app.use(
      helmet({
        contentSecurityPolicy: {
          directives: {
            'default-src': ["'self'"],
            'connect-src': ["'self'", 'ws:', 'wss:'],
            'img-src': ["'self'", 'data:'],
            'style-src': ["'self'", "'unsafe-inline'"],
          },
        },
      }),
    );
    // The web build's assets, precompressed (the static files module serves the rest).
    if (existsSync(path.join(config.webDistDir, 'index.html')))
      app.use('/assets', precompressedAssets(path.join(config.webDistDir, 'assets')));
    // The database outlives Nest's own shutdown so in-flight work can finish writing. Nest hands
    // out a proxy that ignores assignments (`app.close = …` left Nest's close in place, and the
    // database open until the process exited): the override is defined on the app itself.
    const nestClose = (Object.getPrototypeOf(app) as INestApplication).close;
    Object.defineProperty(app, 'close', {
      configurable: true,
      writable: true,
      value: async () => {
        await nestClose.call(app);
        await database.close();
      },
    });
    await app.init();
    return app;
  } catch (err) {
    await database.close();
    throw err;
  }
}
