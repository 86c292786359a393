import { redactSecrets } from '@orchestrator/core';
import pino, { type Logger } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';
import type { Env } from './config/env.js';

export type LogFormat = 'pretty' | 'json';

/**
 * Lines for a person in a terminal, JSON for everything that collects logs (CI, systemd, Docker):
 * a pipe or a file is not a terminal. LOG_PRETTY, when set, decides either way.
 */
export function logFormat(pretty: boolean | undefined, stdoutIsTTY: boolean): LogFormat {
  return (pretty ?? stdoutIsTTY) ? 'pretty' : 'json';
}

/**
 * One short line an entry: the Nest context before the message, and of a request only its method
 * and URL (and, once answered, status and time), not its headers. Formatted in this process: a
 * transport's worker thread would write the lines later.
 */
function prettyStream(destination: pino.DestinationStream, colorize: boolean): pino.DestinationStream {
  const format = prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat:
      '{if context}[{context}] {end}{msg}{if req.method} — {req.method} {req.url}{end}' +
      '{if responseTime} {res.statusCode} in {responseTime} ms{end}',
  });
  return { write: (line: string) => destination.write(format(line)) };
}

/**
 * One root logger; secrets never reach the output. Known secret fields are censored by path, and
 * every finished line passes through the core's redaction (docs/operations.md → Secrets in errors
 * and logs), which catches what a path cannot: a key inside an error message or a stack.
 */
export function createLogger(
  env: Pick<Env, 'LOG_LEVEL' | 'LOG_PRETTY'>,
  /** Where lines go instead of stdout (tests read them back); JSON unless LOG_PRETTY is true. */
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: env.LOG_LEVEL,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["proxy-authorization"]',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.apiKey',
        '*.password',
        '*.token',
        '*.OPENAI_API_KEY',
        '*.ANTHROPIC_API_KEY',
        '*.SUPABASE_SERVICE_ROLE_KEY',
      ],
      censor: '[redacted]',
    },
    // Runs on the JSON line, before it is formatted: pretty lines are redacted too.
    hooks: { streamWrite: redactSecrets },
  };
  const terminal = !destination && process.stdout.isTTY === true;
  // Each line is written when it is logged (pino's default stdout stream writes later): so it is
  // out before what main.ts prints after it (the ready line must be last) and before an exit.
  const out = destination ?? pino.destination({ dest: 1, sync: true });
  if (logFormat(env.LOG_PRETTY, terminal) === 'json') return pino(options, out);
  // Colours only on a terminal (and not with NO_COLOR): not in files or collected logs.
  return pino(options, prettyStream(out, terminal && isColorSupported));
}
