import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error.js';

const QUIET_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bodies are JSON or nothing (docs/api.md "What is validated where"), and every request that may
 * change something (any method but GET, HEAD, OPTIONS) says `content-type: application/json`, body
 * or not. Anything else gets a 415 before it is read. A cross-site page can only send JSON after a
 * CORS preflight, which this server does not grant, so an HTML form or `text/plain` POST from
 * another site cannot pause, cancel or create anything (docs/security.md).
 */
export function requireJsonRequests(req: Request, _res: Response, next: NextFunction): void {
  const type = req.headers['content-type'];
  const length = req.headers['content-length'];
  const hasContent = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  const changes = !QUIET_METHODS.has(req.method);
  if (!hasContent && !changes) return next();
  const mediaType = (type ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return next();
  next(
    new AppError(
      'request/unsupported_media_type',
      type !== undefined
        ? `Requests are accepted as application/json only, not ${mediaType || 'an empty content-type'}.`
        : hasContent
          ? 'The request has a body but no content-type: send it as JSON with content-type: application/json.'
          : 'A request that changes data must say content-type: application/json, even without a body.',
    ),
  );
}
