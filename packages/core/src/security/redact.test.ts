import { describe, expect, it } from 'vitest';
import { redact, redactedMessage, redactSecrets, registerSecrets } from './redact.js';

const OPENAI = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z';

describe('redactSecrets', () => {
  it('should take an OpenAI key out of a provider error when the key is echoed', () => {
    expect(redactSecrets(`401 Incorrect API key provided: ${OPENAI}. You can find your API key at …`)).toBe(
      '401 Incorrect API key provided: [redacted]. You can find your API key at …',
    );
  });

  it('should take out half-masked and Anthropic keys when they are key-shaped', () => {
    expect(redactSecrets('Incorrect API key provided: sk-abc1************************wxyz.')).toBe(
      'Incorrect API key provided: [redacted].',
    );
    expect(redactSecrets('invalid x-api-key sk-ant-api03-AbCdEfGhIjKlMnOp_qr-st')).toBe('invalid x-api-key [redacted]');
  });

  it('should keep the scheme and drop the credential when a bearer token is echoed', () => {
    expect(redactSecrets('Authorization: Bearer abc.DEF-123_456~xyz=')).toBe('Authorization: Bearer [redacted]');
  });

  it('should take out JWTs, connection-string passwords and named credentials', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.dGhpc2lzbm90YXJlYWxzaWduYXR1cmU';
    expect(redactSecrets(`key ${jwt} rejected`)).toBe('key [redacted] rejected');
    expect(redactSecrets('connect to postgres://app:s3cr3t-pw@db:5432/x failed')).toBe(
      'connect to postgres://app:[redacted]@db:5432/x failed',
    );
    expect(redactSecrets('GET /v1?api_key=abcd1234&q=1 {"password": "hunter22"}')).toBe(
      'GET /v1?api_key=[redacted]&q=1 {"password": "[redacted]"}',
    );
  });

  it('should redact a configured secret of any shape, also JSON-escaped, when registered', () => {
    registerSecrets(['plain"Secret\\Value-42', undefined, 'short']);
    expect(redactSecrets('key plain"Secret\\Value-42 used')).toBe('key [redacted] used');
    expect(redactSecrets(JSON.stringify({ msg: 'key plain"Secret\\Value-42' }))).toBe('{"msg":"key [redacted]"}');
    // Values too short to be keys are ignored: they would blank out ordinary words.
    expect(redactSecrets('a short answer')).toBe('a short answer');
  });

  it('should count what it took out and leave ordinary text alone', () => {
    expect(redact(`first ${OPENAI} then Bearer abcdefgh12345`)).toEqual({
      text: 'first [redacted] then Bearer [redacted]',
      count: 2,
    });
    const ordinary = 'Ask the skeptic: what is the task-list for Q3? Use a token budget of 4000.';
    expect(redact(ordinary)).toEqual({ text: ordinary, count: 0 });
  });

  it('should give an error message without the key when an error carries one', () => {
    expect(redactedMessage(new Error(`Incorrect API key provided: ${OPENAI}`))).toBe(
      'Incorrect API key provided: [redacted]',
    );
  });
});
