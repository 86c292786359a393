import { Controller, Get, Inject } from '@nestjs/common';
import type { SystemInfo } from '@orchestrator/contracts';
import type { LlmProvider } from '@orchestrator/core';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { LLM_PROVIDER } from '../../database/tokens.js';
import { IdentityService } from '../identity/identity.service.js';
import { Requires } from '../../security/requires.decorator.js';

export const APP_VERSION = '0.1.0';

@Controller('api/system')
export class SystemController {
  constructor(
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    private readonly identity: IdentityService,
  ) {}

  @Requires('read')
  @Get()
  async info(@Ctx() ctx: RequestContext): Promise<SystemInfo> {
    const me = await this.identity.describe(ctx);
    return {
      version: APP_VERSION,
      llm: { provider: this.llm.info.provider, model: this.llm.info.model, offline: this.llm.info.offline },
      workspace: { id: ctx.workspaceId, name: me.workspaceName },
      user: { id: ctx.userId, displayName: me.displayName, role: ctx.role },
    };
  }
}
