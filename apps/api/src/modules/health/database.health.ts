import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { DatabaseHandle } from '../../database/boot.js';
import { DATABASE_HANDLE } from '../../database/tokens.js';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Ready only when a query round-trips and the schema is in place. A database this process
 * already knows to be lost (the postmaster exited, a connection broke) is down at once, without
 * waiting for a query to fail or time out.
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger('DatabaseHealth');

  constructor(
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const { availability, pool } = this.database;
    if (!availability.available) return indicator.down({ message: availability.reason });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        pool.query('select 1 from schema_migrations limit 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            const message = `no answer within ${CHECK_TIMEOUT_MS} ms`;
            availability.lost(message);
            reject(new Error(message));
          }, CHECK_TIMEOUT_MS);
        }),
      ]);
      return indicator.up();
    } catch (err) {
      // An outage (or the timeout) is logged by the availability; anything else (a missing schema) here.
      if (!availability.report(err) && availability.available)
        this.logger.warn(`readiness check failed: ${String(err)}`);
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
}
