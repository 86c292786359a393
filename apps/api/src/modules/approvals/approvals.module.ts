import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ApprovalsController, InboxController, ProjectApprovalsController } from './approvals.controller.js';
import { APPROVALS_OPTIONS, DEFAULT_APPROVALS_OPTIONS, type ApprovalsOptions } from './approvals.options.js';
import { ApprovalsRepository } from './approvals.repository.js';
import { ApprovalsService } from './approvals.service.js';
import { StandingApprovalsRepository } from './standing-approvals.repository.js';

/**
 * Approval queue, decisions, expiry/escalation sweeper and the inbox. The execution engine uses
 * `ApprovalsService.request()` to raise approvals; ApprovalDecisionDispatcher (approval-decisions/)
 * carries out every decision.
 */
@Module({
  imports: [AuditModule],
  controllers: [ApprovalsController, ProjectApprovalsController, InboxController],
  providers: [
    ApprovalsRepository,
    StandingApprovalsRepository,
    ApprovalsService,
    { provide: APPROVALS_OPTIONS, useValue: DEFAULT_APPROVALS_OPTIONS },
  ],
  exports: [ApprovalsRepository, ApprovalsService],
})
export class ApprovalsModule {
  /** The same module with other sweeper settings (e.g. `sweepIntervalMs: 0` in a process that must not sweep). */
  static withOptions(options: Partial<ApprovalsOptions>): DynamicModule {
    return {
      module: ApprovalsModule,
      providers: [{ provide: APPROVALS_OPTIONS, useValue: { ...DEFAULT_APPROVALS_OPTIONS, ...options } }],
    };
  }
}
