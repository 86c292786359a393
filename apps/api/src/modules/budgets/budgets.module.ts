import { Module } from '@nestjs/common';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { BudgetsController } from './budgets.controller.js';
import { BUDGETS_OPTIONS, budgetsOptionsFrom } from './budgets.options.js';
import { BudgetsRepository } from './budgets.repository.js';
import { BudgetsService } from './budgets.service.js';
import { UsageReportRepository } from './usage-report.repository.js';

/**
 * Budgets, usage roll-ups, run limits and circuit breakers (SPEC §3.6b). The execution engine
 * gets `BudgetsRepository` as its guard store and checks it before every agent run.
 */
@Module({
  controllers: [BudgetsController],
  providers: [
    BudgetsRepository,
    UsageReportRepository,
    BudgetsService,
    { provide: BUDGETS_OPTIONS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => budgetsOptionsFrom(config) },
  ],
  exports: [BudgetsRepository, BUDGETS_OPTIONS],
})
export class BudgetsModule {}
