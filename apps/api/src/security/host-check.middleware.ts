import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../common/app-error.js';
import type { HostPolicy } from './hosts.js';

/** Refuses a request whose Host header names another server (DNS rebinding), before anything else runs. */
export function hostCheck(policy: HostPolicy) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (policy.allowsHost(req.headers.host)) return next();
    next(
      new AppError(
        'request/host_not_allowed',
        'This server does not answer to that host name. An administrator can add it to ALLOWED_HOSTS.',
      ),
    );
  };
}
