import { Global, Module } from '@nestjs/common';
import { ContextMiddleware } from './context.middleware.js';
import { IdentityRepository } from './identity.repository.js';
import { IdentityService } from './identity.service.js';

@Global()
@Module({
  providers: [IdentityRepository, IdentityService, ContextMiddleware],
  exports: [IdentityService, ContextMiddleware],
})
export class IdentityModule {}
