import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorBody } from '@orchestrator/contracts';
import type { Response } from 'express';
import { databaseUnavailable, isAppError } from './app-error.js';

/** Answers that say a dependency is down, which its own client already logged. */
const OUTAGES = new Set(['database/unavailable', 'auth/keys_unavailable']);

/** Maps every error to the one error body shape of the contracts. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toBody(exception);
    // An outage is logged once where it is noticed (docs/operations.md), not for every request.
    if (status >= 500 && !OUTAGES.has(body.error.code))
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    // RFC 6750: a 401 names the scheme that would be accepted (a token, or the session cookie).
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="orchestrator"');
    res.status(status).json(body);
  }

  private toBody(exception: unknown): [number, ErrorBody] {
    // Whatever the route, a request the database could not serve because it is unreachable: 503.
    const unavailable = databaseUnavailable(exception);
    if (unavailable) return this.toBody(unavailable);
    if (isAppError(exception)) {
      return [
        exception.status,
        {
          error: {
            code: exception.code,
            message: exception.message,
            ...(exception.issues ? { issues: exception.issues } : {}),
            ...(exception.details !== undefined ? { details: exception.details } : {}),
          },
        },
      ];
    }
    // body-parser errors carry a `type`; Nest wraps them in an HttpException with the original as cause.
    const cause = exception instanceof HttpException ? exception.cause : exception;
    const type = (cause as { type?: string } | null)?.type;
    if (type === 'entity.parse.failed')
      return [400, { error: { code: 'request/malformed_json', message: 'The request body is not valid JSON.' } }];
    if (type === 'entity.too.large')
      return [413, { error: { code: 'request/too_large', message: 'The request body is too large.' } }];
    if (type === 'charset.unsupported' || type === 'encoding.unsupported')
      return [
        415,
        {
          error: {
            code: 'request/unsupported_media_type',
            message: 'Send the body as UTF-8 JSON without a content-encoding.',
          },
        },
      ];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return [404, { error: { code: 'request/not_found', message: 'No such endpoint.' } }];
      return [
        status,
        { error: { code: status < 500 ? 'request/invalid' : 'internal/error', message: exception.message } },
      ];
    }
    return [500, { error: { code: 'internal/error', message: 'Internal error. The details are in the server log.' } }];
  }
}
