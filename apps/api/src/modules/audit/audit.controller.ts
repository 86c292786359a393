import { Controller, Get, Query } from '@nestjs/common';
import { AuditListQuerySchema, type AuditPage } from '@orchestrator/contracts';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { AuditRepository } from './audit.repository.js';
import { Requires } from '../../security/requires.decorator.js';

/** Read-only: entries are written by the modules whose actions they record. */
@Controller('api/audit')
export class AuditController {
  constructor(private readonly repository: AuditRepository) {}

  @Requires('read')
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<AuditPage> {
    return this.repository.list(ctx.workspaceId, parseInput(AuditListQuerySchema, query, 'query'));
  }
}
