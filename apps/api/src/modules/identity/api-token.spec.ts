import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerCredential, generateApiToken, hashSecret, parseApiToken, secretMatches } from './api-token.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

describe('generateApiToken', () => {
  it('should make orch_<8 base32 characters>_<32 random bytes in base64url> with the hash of its secret', () => {
    const { token, prefix, secretHash } = generateApiToken();
    expect(token).toMatch(/^orch_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    const secret = token.slice(`orch_${prefix}_`.length);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(secretHash.equals(sha256(secret))).toBe(true);
    expect(parseApiToken(token)).toEqual({ prefix, secret });
  });

  it('should never repeat a prefix or a secret over many tokens', () => {
    const tokens = Array.from({ length: 2000 }, generateApiToken);
    expect(new Set(tokens.map((t) => t.prefix)).size).toBe(tokens.length);
    expect(new Set(tokens.map((t) => t.token.slice(14))).size).toBe(tokens.length);
  });
});

describe('parseApiToken', () => {
  const { token, prefix } = generateApiToken();
  const secret = token.slice(14);

  it('should refuse anything but the exact format', () => {
    for (const bad of [
      '',
      `orch_${prefix}`,
      `orch_${prefix}_`,
      `orch_${prefix}_${secret}x`,
      `orch_${prefix}_${secret.slice(1)}`,
      `orch_${prefix.toUpperCase()}_${secret}`,
      `orch_${prefix.slice(1)}1_${secret}`,
      `ORCH_${prefix}_${secret}`,
      `xorch_${prefix}_${secret}`,
      ` ${token}`,
      `${token}\n`,
      `orch_${prefix}_${secret.slice(1)}=`,
    ])
      expect(parseApiToken(bad), JSON.stringify(bad)).toBeUndefined();
  });

  it('should take a secret that contains the separator', () => {
    const withUnderscore = `orch_${prefix}_${'_'.repeat(43)}`;
    expect(parseApiToken(withUnderscore)).toEqual({ prefix, secret: '_'.repeat(43) });
  });
});

describe('secretMatches', () => {
  const secret = generateApiToken().token.slice(14);

  it('should accept only the secret whose hash is stored', () => {
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    // Another last character (a random secret ends in "A" one time in 64).
    const other = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(secretMatches(other, hashSecret(secret))).toBe(false);
  });

  it('should refuse when there is no stored hash or it is not a SHA-256', () => {
    expect(secretMatches(secret, undefined)).toBe(false);
    expect(secretMatches(secret, hashSecret(secret).subarray(0, 16))).toBe(false);
    expect(secretMatches(secret, Buffer.alloc(32))).toBe(false);
  });
});

describe('bearerCredential', () => {
  it('should read the credential of a Bearer header, whatever the case of the scheme', () => {
    expect(bearerCredential('Bearer abc')).toBe('abc');
    expect(bearerCredential('bearer  abc ')).toBe('abc');
  });

  it('should refuse other schemes and malformed headers', () => {
    for (const bad of ['', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Bearerabc', 'abc'])
      expect(bearerCredential(bad), bad).toBeUndefined();
  });
});
