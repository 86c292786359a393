import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { assertStorableText } from './storable-text.js';

/**
 * Every HTTP request's path parameters, query and body are checked for text the database cannot
 * store before any pipe or handler runs, whether the handler reads them or not. Socket payloads
 * are checked by the gateway itself, which answers through the event's ack.
 */
@Injectable()
export class StorableTextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      assertStorableText(req.params, 'path');
      assertStorableText(req.query, 'query');
      assertStorableText(req.body, 'body');
    }
    return next.handle();
  }
}
