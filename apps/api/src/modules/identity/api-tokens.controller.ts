import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiTokenListQuerySchema,
  CreateApiTokenBodySchema,
  type ApiTokenPage,
  type CreatedApiToken,
} from '@orchestrator/contracts';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { ApiTokensService } from './api-tokens.service.js';
import { Requires } from '../../security/requires.decorator.js';

/** The caller's personal API tokens (docs/api.md#api-tokens). */
@Controller('api/tokens')
export class ApiTokensController {
  constructor(private readonly service: ApiTokensService) {}

  @Requires('account')
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: unknown): Promise<ApiTokenPage> {
    return this.service.list(ctx, parseInput(ApiTokenListQuerySchema, query, 'query'));
  }

  /** 201 with the full token: the only time it is shown. */
  @Requires('account')
  @Post()
  create(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<CreatedApiToken> {
    return this.service.create(ctx, parseInput(CreateApiTokenBodySchema, body, 'body'));
  }

  @Requires('account')
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Ctx() ctx: RequestContext, @UuidParam('id', 'token/not_found') id: string): Promise<void> {
    await this.service.revoke(ctx, id);
  }
}
