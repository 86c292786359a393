import { Global, Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { ApiTokensService } from './api-tokens.service.js';
import { ContextMiddleware } from './context.middleware.js';
import { IdentityRepository } from './identity.repository.js';
import { IdentityService } from './identity.service.js';

@Global()
@Module({
  imports: [AccountsModule, AuditModule],
  controllers: [ApiTokensController],
  providers: [IdentityRepository, IdentityService, ContextMiddleware, ApiTokensRepository, ApiTokensService],
  exports: [IdentityService, ContextMiddleware],
})
export class IdentityModule {}
