import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
    ['57P03', 'the database system is not yet accepting connections'],
    ['08006', 'connection failure'],
    ['08001', 'could not connect'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['ECONNRESET', 'read ECONNRESET'],
  ])('should be true when the error has code %s', (code, message) => {
    expect(isDatabaseUnavailable(withCode(code, message))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('should be true when node-postgres says "%s" without a code', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });

  it('should be true when a refused connection to several addresses comes as an AggregateError', () => {
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
  });

  it('should be true when a shutdown error is the cause of a wrapping error', () => {
    expect(isDatabaseUnavailable(new Error('step failed', { cause: withCode('57P01') }))).toBe(true);
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['42P01', 'relation "x" does not exist'],
    ['22P02', 'invalid input syntax for type uuid'],
    ['28P01', 'password authentication failed'],
  ])('should be false when the database refused the statement with %s', (code, message) => {
    expect(isDatabaseUnavailable(withCode(code, message))).toBe(false);
  });

  it('should be false when an HTTP call wraps a refused connection (an LLM provider, not the database)', () => {
    expect(isDatabaseUnavailable(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe(false);
  });

  it('should be false when the error is not an object', () => {
    expect(isDatabaseUnavailable('Connection terminated unexpectedly')).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
