import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormat } from './logger.js';

describe('logFormat', () => {
  it('should be pretty when stdout is a terminal and LOG_PRETTY is unset', () => {
    expect(logFormat(undefined, true)).toBe('pretty');
  });

  it('should be JSON when stdout is not a terminal and LOG_PRETTY is unset', () => {
    expect(logFormat(undefined, false)).toBe('json');
  });

  it('should follow LOG_PRETTY when it is set, terminal or not', () => {
    expect(logFormat(false, true)).toBe('json');
    expect(logFormat(true, false)).toBe('pretty');
  });
});

describe('createLogger', () => {
  const sink = () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    return { lines, stream };
  };
  const KEY = 'sk-proj-loggerSpec1234567890abcdefXYZ';

  it('should write JSON lines when LOG_PRETTY is not true', () => {
    const { lines, stream } = sink();
    createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: undefined }, stream).info({ context: 'Spec' }, 'hello');

    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, context: 'Spec', msg: 'hello' });
  });

  it('should write one readable line with the context when LOG_PRETTY is true, secrets redacted', () => {
    const { lines, stream } = sink();
    createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: true }, stream).info(
      { context: 'AgentRegistry' },
      `Loaded 34 agents (key ${KEY})`,
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: \[AgentRegistry\] Loaded 34 agents \(key .*\)$/);
    expect(lines[0]).not.toContain(KEY);
  });

  it('should show a request as its method, URL, status and time when LOG_PRETTY is true', () => {
    const { lines, stream } = sink();
    createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: true }, stream).info(
      {
        req: { id: 1, method: 'GET', url: '/api/agents', headers: { host: 'localhost' } },
        res: { statusCode: 200, headers: {} },
        responseTime: 3,
      },
      'request completed',
    );

    expect(lines).toEqual([expect.stringMatching(/ INFO: request completed — GET \/api\/agents 200 in 3 ms$/)]);
  });
});
