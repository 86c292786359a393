import { Injectable, type NestMiddleware } from '@nestjs/common';
import { acrossWorkspaces, inWorkspace } from '@orchestrator/db';
import type { NextFunction, Response } from 'express';
import type { RequestWithContext } from '../../common/request-context.js';
import { IdentityService } from './identity.service.js';

/**
 * Attaches the acting workspace and user to every API request (none: nobody is signed in), and
 * runs the rest of the request in that workspace's tenant scope, so that row-level security
 * hides every other workspace's rows from it (docs/security.md, "Tenant isolation"). Who is
 * calling is looked up across workspaces: a token or session names its workspace only once found.
 */
@Injectable()
export class ContextMiddleware implements NestMiddleware {
  constructor(private readonly identity: IdentityService) {}

  use(req: RequestWithContext, res: Response, next: NextFunction): void {
    acrossWorkspaces('identify the caller', () => this.identity.resolveRequest(req, res)).then(
      (ctx) => {
        req.ctx = ctx;
        if (ctx) inWorkspace(ctx.workspaceId, next);
        else next();
      },
      (err: unknown) => next(err),
    );
  }
}
