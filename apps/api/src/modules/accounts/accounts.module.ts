import { Module } from '@nestjs/common';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { AuditModule } from '../audit/audit.module.js';
import { AccountsRepository } from './accounts.repository.js';
import { SETUP_TOKEN } from './accounts.tokens.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';
import { LoginLimit } from './login-limit.js';
import { MembersController, WorkspacesController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { SetupToken } from './setup-token.js';
import { SupabaseAuthService } from './supabase-auth.service.js';

/**
 * Authenticated mode (docs/security.md): accounts and passwords, sessions, Supabase Auth tokens,
 * invitations, members and workspaces. Owns `user_passwords`, `sessions`, `invitations`, `password_resets`, and the
 * writes to `users`, `workspaces` and `memberships`.
 */
@Module({
  imports: [AuditModule],
  controllers: [AuthController, MembersController, WorkspacesController, InvitationsController],
  providers: [
    AccountsRepository,
    MembersRepository,
    InvitationsRepository,
    SessionsRepository,
    SessionsService,
    AuthService,
    MembersService,
    InvitationsService,
    LoginLimit,
    SupabaseAuthService,
    {
      provide: SETUP_TOKEN,
      inject: [APP_CONFIG, AccountsRepository],
      useFactory: async (config: AppConfig, accounts: AccountsRepository) =>
        config.env.AUTH_MODE === 'authenticated' && (await accounts.setupRequired()) ? new SetupToken() : undefined,
    },
  ],
  exports: [SessionsService, SupabaseAuthService, SETUP_TOKEN],
})
export class AccountsModule {}
