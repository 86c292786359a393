import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PostgresCheckpointSaver, type PruneResult } from '@orchestrator/checkpoint-postgres';
import { acrossWorkspaces, type Pool } from '@orchestrator/db';
import type { AppConfig } from '../../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../../database/tokens.js';

/** Advisory lock key: with several API processes on one database, one sweeps at a time. */
const LOCK = 'checkpoint-retention';

export type SweepOutcome =
  { kind: 'swept'; result: PruneResult; ms: number } | { kind: 'skipped'; reason: 'another_process' | 'running' };

/**
 * Keeps the checkpoint tables bounded (docs/operations.md): every CHECKPOINT_RETENTION_INTERVAL_MS it keeps
 * the newest CHECKPOINT_RETENTION_KEEP_LAST checkpoints of each thread and namespace and deletes
 * older ones written more than CHECKPOINT_RETENTION_MIN_AGE_HOURS ago, with their pending writes
 * and the values nothing refers to any more. A thread's latest state is never deleted, so runs
 * resume as before; only time travel further back than the kept history is lost.
 */
@Injectable()
export class CheckpointRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CheckpointRetention');
  private readonly saver: PostgresCheckpointSaver;
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepOutcome>;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.saver = new PostgresCheckpointSaver(pool);
  }

  onApplicationBootstrap(): void {
    const every = this.config.env.CHECKPOINT_RETENTION_INTERVAL_MS;
    if (every <= 0) return;
    this.timer = setInterval(() => void this.sweep().catch((err: unknown) => this.logger.error(err)), every);
    // The sweep alone must not keep the process alive.
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One sweep now; skipped when this process or another is already sweeping. */
  sweep(): Promise<SweepOutcome> {
    if (this.running) return Promise.resolve({ kind: 'skipped', reason: 'running' });
    this.running = acrossWorkspaces('prune old checkpoints', () => this.locked()).finally(
      () => (this.running = undefined),
    );
    return this.running;
  }

  private async locked(): Promise<SweepOutcome> {
    const client = await this.pool.connect();
    try {
      const lock = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [
        LOCK,
      ]);
      if (!lock.rows[0]?.ok) return { kind: 'skipped', reason: 'another_process' };
      try {
        const started = Date.now();
        const { CHECKPOINT_RETENTION_KEEP_LAST: keepLast, CHECKPOINT_RETENTION_MIN_AGE_HOURS: hours } = this.config.env;
        const result = await this.saver.pruneAll({ keepLast, olderThan: new Date(Date.now() - hours * 3_600_000) });
        const ms = Date.now() - started;
        if (result.checkpoints > 0)
          this.logger.log(
            `Pruned ${result.checkpoints} checkpoints, ${result.writes} writes, ${result.blobs} values in ${ms} ms`,
          );
        return { kind: 'swept', result, ms };
      } finally {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [LOCK]);
      }
    } finally {
      client.release();
    }
  }
}
