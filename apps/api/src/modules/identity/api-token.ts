import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The personal API token format (docs/security.md#api-tokens): `orch_<prefix>_<secret>`. The
 * prefix (8 characters of lower-case base32, 40 random bits) is stored as is and finds the row;
 * the secret (32 random bytes, base64url) is stored only as its SHA-256. A fast hash is enough:
 * the secret is random, not a password, so there is nothing to guess from the hash.
 */
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const PREFIX_LENGTH = 8;
const SECRET_BYTES = 32;
const TOKEN = /^orch_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewApiToken {
  /** The full token: shown to its owner once, never stored. */
  token: string;
  prefix: string;
  secretHash: Buffer;
}

export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

export function generateApiToken(): NewApiToken {
  // 256 is a multiple of 32: every letter is equally likely.
  const prefix = Array.from(randomBytes(PREFIX_LENGTH), (byte) => PREFIX_ALPHABET[byte % 32]).join('');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { token: `orch_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** The parts of a well-formed token; undefined for anything else. */
export function parseApiToken(token: string): { prefix: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

/** Compared against when no row has the prefix, so an unknown prefix costs the same work. */
const NO_HASH = Buffer.alloc(32);

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: Buffer | undefined): boolean {
  const expected = storedHash?.length === NO_HASH.length ? storedHash : NO_HASH;
  return timingSafeEqual(hashSecret(secret), expected) && expected !== NO_HASH;
}

/** The credential of an `Authorization: Bearer <token>` header; undefined when the header has another form. */
export function bearerCredential(header: string): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(header)?.[1];
}
