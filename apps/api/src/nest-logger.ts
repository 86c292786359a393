import { Injectable } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

/**
 * Where Nest narrates its own start: a line per module, per controller, per route and per socket
 * message (about a hundred). That is for someone debugging the wiring, not for the person starting
 * the server, so it is logged at debug (LOG_LEVEL=debug shows it). Only `log` calls are moved:
 * a warning or an error from these places keeps its level.
 */
export const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'NestApplication',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
]);

/** Nest's logger over pino (nestjs-pino), with Nest's start-up narration at debug. */
@Injectable()
export class NestLogger extends Logger {
  // Nest passes the context as the last argument.
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) this.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}
