import { existsSync } from 'node:fs';
import path from 'node:path';
import { type DynamicModule, Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { LlmProvider } from '@orchestrator/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { StorableTextInterceptor } from './common/storable-text.interceptor.js';
import type { AppConfig } from './config/env.js';
import type { DatabaseHandle } from './database/boot.js';
import { APP_CONFIG, DATABASE_HANDLE, LLM_PROVIDER, PG_POOL } from './database/tokens.js';
import { AgentBuildsModule } from './modules/agent-builds/agent-builds.module.js';
import { AgentImprovementsModule } from './modules/agent-improvements/agent-improvements.module.js';
import { AgentsModule } from './modules/agents/agents.module.js';
import { ApprovalDecisionsModule } from './modules/approval-decisions/approval-decisions.module.js';
import { ApprovalsModule } from './modules/approvals/approvals.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { ConversationsModule } from './modules/conversations/conversations.module.js';
import { DelegationsModule } from './modules/delegations/delegations.module.js';
import { ExecutionModule } from './modules/execution/execution.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { ContextMiddleware } from './modules/identity/context.middleware.js';
import { IdentityModule } from './modules/identity/identity.module.js';
import { OrchestratorModule } from './modules/orchestrator/orchestrator.module.js';
import { ProjectsModule } from './modules/projects/projects.module.js';
import { SystemModule } from './modules/system/system.module.js';
import { NestLogger } from './nest-logger.js';
import { GatewayModule } from './realtime/gateway.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { PermissionGuard } from './security/permission.guard.js';
import { RateLimitsModule } from './modules/rate-limits/rate-limits.module.js';
import { cacheControlFor } from './web/static-assets.js';

/** What exists before Nest starts: config, database, LLM provider, root logger. */
export interface Runtime {
  config: AppConfig;
  database: DatabaseHandle;
  llm: LlmProvider;
  logger: Logger;
}

@Global()
@Module({})
class RuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: runtime.config },
      { provide: DATABASE_HANDLE, useValue: runtime.database },
      { provide: PG_POOL, useValue: runtime.database.pool },
      { provide: LLM_PROVIDER, useValue: runtime.llm },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}

function staticWebApp(config: AppConfig): DynamicModule[] {
  if (!existsSync(path.join(config.webDistDir, 'index.html'))) return [];
  return [
    ServeStaticModule.forRoot({
      rootPath: config.webDistDir,
      exclude: ['/api/{*rest}', '/health/{*rest}', '/socket.io/{*rest}'],
      // Hashed assets are kept for a year; index.html is checked on every load (web/static-assets.ts).
      serveStaticOptions: { setHeaders: (res, filePath) => res.setHeader('Cache-Control', cacheControlFor(filePath)) },
    }),
  ];
}

@Module({})
export class AppModule implements NestModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot(runtime),
        LoggerModule.forRoot({
          pinoHttp: {
            logger: runtime.logger,
            // Health probes every few seconds would drown the log.
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          },
        }),
        IdentityModule,
        RealtimeModule,
        HealthModule,
        SystemModule,
        AgentsModule,
        ConversationsModule,
        OrchestratorModule,
        ProjectsModule,
        DelegationsModule,
        ExecutionModule,
        AuditModule,
        ApprovalsModule,
        AgentImprovementsModule,
        AgentBuildsModule,
        ApprovalDecisionsModule,
        RateLimitsModule.forRoot(),
        GatewayModule,
        ...staticWebApp(runtime.config),
      ],
      providers: [
        NestLogger,
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_GUARD, useClass: PermissionGuard },
        { provide: APP_INTERCEPTOR, useClass: StorableTextInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ContextMiddleware).forRoutes('api/{*rest}');
  }
}
