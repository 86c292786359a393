import { Module } from '@nestjs/common';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { BudgetsController } from './budgets.controller.js';
import { BUDGETS_OPTIONS, budgetsOptionsFrom } from './budgets.options.js';
import { BudgetsRepository } from './budgets.repository.js';
import { BudgetsService } from './budgets.service.js';
import { GuardCache } from './guard-cache.js';
import { UsageReportRepository } from './usage-report.repository.js';
import { UsageRepository } from './usage.repository.js';

/**
 * Budgets, usage roll-ups, run limits and circuit breakers (docs/operations.md#budgets). The execution engine
 * gets `BudgetsRepository` as its guard store and checks it before every agent run; modules that
 * record LLM spend use this module's `UsageRepository`, which reports it to the shared `GuardCache`.
 */
@Module({
  controllers: [BudgetsController],
  providers: [
    BudgetsRepository,
    GuardCache,
    UsageReportRepository,
    UsageRepository,
    BudgetsService,
    { provide: BUDGETS_OPTIONS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => budgetsOptionsFrom(config) },
  ],
  exports: [BudgetsRepository, GuardCache, UsageRepository, BUDGETS_OPTIONS],
})
export class BudgetsModule {}
