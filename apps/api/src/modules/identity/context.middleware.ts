import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { RequestWithContext } from '../../common/request-context.js';
import { IdentityService } from './identity.service.js';

/** Attaches the acting workspace and user to every API request (none: nobody is signed in). */
@Injectable()
export class ContextMiddleware implements NestMiddleware {
  constructor(private readonly identity: IdentityService) {}

  use(req: RequestWithContext, res: Response, next: NextFunction): void {
    this.identity.resolveRequest(req, res).then(
      (ctx) => {
        req.ctx = ctx;
        next();
      },
      (err: unknown) => next(err),
    );
  }
}
