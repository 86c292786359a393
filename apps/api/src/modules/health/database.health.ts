import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

const CHECK_TIMEOUT_MS = 2_000;

/** Ready only when a query round-trips and the schema is in place. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    try {
      await Promise.race([
        this.pool.query('select 1 from schema_migrations limit 1'),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS),
        ),
      ]);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
