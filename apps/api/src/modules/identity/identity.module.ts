import { Global, Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { ContextMiddleware } from './context.middleware.js';
import { IdentityRepository } from './identity.repository.js';
import { IdentityService } from './identity.service.js';

@Global()
@Module({
  imports: [AccountsModule],
  providers: [IdentityRepository, IdentityService, ContextMiddleware],
  exports: [IdentityService, ContextMiddleware],
})
export class IdentityModule {}
