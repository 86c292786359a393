import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** A secret for a link or a cookie: 256 random bits, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** What is stored of a secret: its sha256, so that a copy of the database opens nothing. */
export const secretHash = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** argon2id with the library's defaults (OWASP's minimum: m=19 MiB, t=2, p=1). */
export const hashPassword = (password: string): Promise<string> => hash(password);

let dummy: Promise<string> | undefined;
/**
 * Whether `password` matches `stored`. With no stored hash (no such account) it still verifies,
 * against a throwaway hash, so that how long a login takes does not tell which emails exist.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  const against = stored ?? (await (dummy ??= hash(randomBytes(16).toString('hex'))));
  const matches = await verify(against, password).catch(() => false);
  return stored !== undefined && matches;
}
