import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RateDelegationBodySchema, type DelegationInfo } from '@orchestrator/contracts';
import { UuidParam } from '../../common/path-params.js';
import { Ctx, type RequestContext } from '../../common/request-context.js';
import { parseInput } from '../../common/validate.js';
import { DelegationRatings } from './delegation-ratings.js';
import { DelegationsRepository } from './delegations.repository.js';
import { Requires } from '../../security/requires.decorator.js';

@Controller('api/delegations')
export class DelegationsController {
  constructor(
    private readonly repository: DelegationsRepository,
    private readonly ratings: DelegationRatings,
  ) {}

  /** The user's 1–5 rating of a delegated answer (feeds agent metrics and improvement). */
  @Requires('chat')
  @Post(':id/rating')
  @HttpCode(200)
  async rate(
    @Ctx() ctx: RequestContext,
    @UuidParam('id', 'delegation/not_found') id: string,
    @Body() body: unknown,
  ): Promise<DelegationInfo> {
    const { rating, comment } = parseInput(RateDelegationBodySchema, body, 'body');
    const delegation = await this.repository.rate(ctx.workspaceId, id, ctx.userId, rating, comment);
    // A low rating may start an improvement proposal (agent-improvements listens).
    await this.ratings.rated({
      workspaceId: ctx.workspaceId,
      userId: ctx.userId,
      delegation,
      comment: comment?.trim() || null,
    });
    return delegation;
  }
}
