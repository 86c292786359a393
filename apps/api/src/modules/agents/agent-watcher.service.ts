import path from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { watch, type FSWatcher } from 'chokidar';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { isTempFile } from './agent-files.js';
import { AgentRegistryService } from './agent-registry.service.js';

/** Editors write a file in several steps (truncate, write, rename): wait for them to settle. */
export const WATCH_DEBOUNCE_MS = 300;

/**
 * Hot reload: watches agents/ and reloads the registry when a file changes, so an edit in any
 * editor (or a `git pull`) is live without a restart. chokidar rather than `fs.watch`: recursive
 * `fs.watch` on Linux misses folders created after it started and reports renames
 * inconsistently across editors; chokidar handles both. A reload whose files hash the same as
 * the loaded ones is a no-op, which is how the app's own saves are ignored here.
 * `AGENTS_WATCH=false` turns it off (tests do, unless a test is about hot reload).
 */
@Injectable()
export class AgentWatcherService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AgentWatcher');
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: AgentRegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.env.AGENTS_WATCH) return;
    const root = this.config.agentsDir;
    this.watcher = watch(root, {
      ignoreInitial: true,
      // Hidden files (our temp files, editor swap files, .git) are never agent content.
      ignored: (file: string) => file !== root && (isTempFile(file) || path.basename(file).startsWith('.') || /~$|\.swp$/.test(file)),
    });
    this.watcher.on('all', () => this.schedule());
    this.watcher.on('error', (err) => this.logger.error(`Watching ${root} failed: ${(err as Error).message}`));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    this.logger.log(`Watching ${root} for changes`);
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
    this.watcher = undefined;
    await this.running;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.running.then(() => this.reload());
    }, WATCH_DEBOUNCE_MS);
  }

  private async reload(): Promise<void> {
    if (!this.watcher) return;
    try {
      const outcome = await this.registry.reload({ onlyIfChanged: true });
      if (outcome.changed) this.logger.log(`Reloaded agents/ after a change on disk${outcome.problems.length ? ` (${outcome.problems.length} problems)` : ''}`);
    } catch (err) {
      // The previous registry stays in use; the next change tries again.
      this.logger.error(`Reloading agents/ failed: ${(err as Error).message}`);
    }
  }
}
