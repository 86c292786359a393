import { describe, expect, it } from 'vitest';
import { scramSecret } from './scram.js';

describe('scramSecret', () => {
  it('should match the secret Postgres stored for the same password and salt', () => {
    // From PostgreSQL 15: create role … password 'pencil-and-paper'; select rolpassword from pg_authid.
    const stored =
      'SCRAM-SHA-256$4096:JTMvrXJ6SnscwR7gR62+gQ==$RL93IBqfxe+NALGRZEYkzP6XaQoJrnaBhK0p6zrJw4Q=:GGwBqrFNf8YiAIvLUfqSZTCEcVI+923XVKJbAiD8NHQ=';
    const salt = Buffer.from('JTMvrXJ6SnscwR7gR62+gQ==', 'base64');

    expect(scramSecret('pencil-and-paper', salt)).toBe(stored);
  });

  it('should salt each secret afresh when no salt is given', () => {
    expect(scramSecret('pencil-and-paper')).not.toBe(scramSecret('pencil-and-paper'));
  });
});
