import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { RequestWithContext } from '../../common/request-context.js';
import { IdentityService } from './identity.service.js';

/** Attaches the acting workspace and user to every API request; a refused credential is a 401. */
@Injectable()
export class ContextMiddleware implements NestMiddleware {
  constructor(private readonly identity: IdentityService) {}

  async use(req: RequestWithContext, _res: Response, next: NextFunction): Promise<void> {
    const { workspaceId, userId, role, tokenId } = await this.identity.resolve(req.headers);
    req.ctx = { workspaceId, userId, role, ...(tokenId ? { tokenId } : {}) };
    next();
  }
}
