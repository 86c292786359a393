import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error.js';

const QUIET_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bodies are JSON or nothing (docs/api.md "What is validated where"). A request that carries a body
 * — or announces one with a content-type, as every HTML form and `text/plain` POST does — in any
 * other media type gets a 415 before it is read. This also closes the simplest cross-site form
 * POSTs, which cannot send `application/json` without a CORS preflight.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const type = req.headers['content-type'];
  const length = req.headers['content-length'];
  const hasContent = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  const announced = type !== undefined && !QUIET_METHODS.has(req.method);
  if (!hasContent && !announced) return next();
  const mediaType = (type ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return next();
  next(
    new AppError(
      'request/unsupported_media_type',
      type === undefined
        ? 'The request has a body but no content-type: send it as JSON with content-type: application/json.'
        : `Bodies are accepted as application/json only, not ${mediaType || 'an empty content-type'}.`,
    ),
  );
}
