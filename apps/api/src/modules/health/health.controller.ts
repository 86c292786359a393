import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { AppError } from '../../common/app-error.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { Requires } from '../../security/requires.decorator.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  /**
   * The process is up and serving; says nothing about its dependencies. A supervisor restarts
   * the process only when this fails (docs/operations.md, "Liveness and readiness").
   */
  @Requires('public')
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 only when the database is usable; 503 `database/unavailable` otherwise. */
  @Requires('public')
  @Get('ready')
  @HealthCheck()
  async ready() {
    try {
      return await this.health.check([() => this.database.check('database')]);
    } catch {
      // Why is in the log; driver messages (hosts, SQL) stay out of an unauthenticated answer.
      throw new AppError('database/unavailable', 'The database is unavailable.');
    }
  }
}
