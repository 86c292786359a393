import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { z } from 'zod';
import type { SupabaseAuthConfig } from '../../config/env.js';

/** What a Supabase access token vouches for, once verified. */
export interface SupabaseClaims {
  /** The Supabase user's id (`sub`). */
  subject: string;
  /** Their email, only when the token says the address is verified. */
  verifiedEmail?: string;
  expiresAt: Date;
}

/** A token's claims, or the reason it was refused: the token's fault, or the keys could not be had. */
export type SupabaseVerification = { claims: SupabaseClaims } | { refused: 'token' | 'keys'; cause: unknown };

/** Clocks of the issuer and of this server may differ by this much (`exp`, `nbf`, `iat`). */
const CLOCK_TOLERANCE_S = 30;

/**
 * The claims read beyond those jose checks. `email_verified` is a top-level claim the project's
 * access token hook writes from `auth.users.email_confirmed_at`; Supabase's own
 * `user_metadata.email_verified` is not read, since a user may write their user_metadata
 * (docs/security.md#supabase-auth).
 */
const ClaimsSchema = z.object({
  sub: z.string().min(1).max(255),
  exp: z.number(),
  email: z.string().min(3).max(254).optional(),
  // Anything but `true` leaves the email unverified.
  email_verified: z.unknown().optional(),
  is_anonymous: z.boolean().optional(),
});

/** jose's codes for a token that is malformed, forged, expired or not meant for us. */
const TOKEN_FAULTS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

export type SupabaseJwtVerifier = (token: string) => Promise<SupabaseVerification>;

/**
 * Verifies Supabase Auth access tokens with every parameter pinned: the key (the project's JWT
 * secret, or the keys its JWKS endpoint publishes, fetched when first needed and again for an
 * unknown `kid` at most every 30 s), the algorithms that key may sign with, the issuer, the
 * audience, and an expiry that must be present.
 */
export function supabaseJwtVerifier(config: SupabaseAuthConfig): SupabaseJwtVerifier {
  const options: JWTVerifyOptions = {
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ['exp', 'sub'],
  };
  let verify: (token: string) => Promise<JWTPayload>;
  if ('secret' in config.key) {
    const secret = new TextEncoder().encode(config.key.secret);
    verify = async (token) => (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
  } else {
    const keys = createRemoteJWKSet(config.key.jwksUrl);
    verify = async (token) => (await jwtVerify(token, keys, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
  }
  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (cause) {
      const code = (cause as { code?: unknown } | null)?.code;
      return { refused: typeof code === 'string' && TOKEN_FAULTS.has(code) ? 'token' : 'keys', cause };
    }
    const claims = ClaimsSchema.safeParse(payload);
    // An anonymous Supabase user has proved nothing about who they are.
    if (!claims.success || claims.data.is_anonymous === true) return { refused: 'token', cause: claims.error };
    const { sub, exp, email, email_verified } = claims.data;
    return {
      claims: {
        subject: sub,
        ...(email && email_verified === true ? { verifiedEmail: email.toLowerCase() } : {}),
        expiresAt: new Date(exp * 1000),
      },
    };
  };
}
