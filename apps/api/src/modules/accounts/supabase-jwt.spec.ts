import { SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { supabaseJwtVerifier } from './supabase-jwt.js';

const SECRET = 'a-supabase-jwt-secret-of-32-chars!';
const ISSUER = 'https://project.supabase.co/auth/v1';
const verify = supabaseJwtVerifier({ key: { secret: SECRET }, issuer: ISSUER, audience: 'authenticated' });
const now = () => Math.floor(Date.now() / 1000);

/** A token as Supabase Auth signs one, expiring `expiresIn` seconds from now (negative: in the past). */
function token(claims: JWTPayload = {}, expiresIn = 3600): Promise<string> {
  return new SignJWT({ email: 'Ada@Example.com', email_verified: true, role: 'authenticated', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience('authenticated')
    .setSubject('5b0f8f4e-8a44-4d6e-9d1b-2f1c7f0f0a11')
    .setIssuedAt(now() - 60)
    .setExpirationTime(now() + expiresIn)
    .sign(new TextEncoder().encode(SECRET));
}

describe('supabaseJwtVerifier', () => {
  it('should give the subject, the expiry, and the email in lower case when the token says it is verified', async () => {
    const exp = now() + 3600;
    expect(await verify(await token({ exp }))).toEqual({
      claims: {
        subject: '5b0f8f4e-8a44-4d6e-9d1b-2f1c7f0f0a11',
        verifiedEmail: 'ada@example.com',
        expiresAt: new Date(exp * 1000),
      },
    });
  });

  it('should leave out an email that is not said to be verified, even in user_metadata', async () => {
    for (const claims of [
      { email_verified: false },
      { email_verified: 'true' as unknown as boolean },
      { email_verified: undefined, user_metadata: { email_verified: true } },
    ]) {
      const result = await verify(await token(claims));
      expect(result, JSON.stringify(claims)).toMatchObject({ claims: { subject: expect.any(String) } });
      expect(result).not.toHaveProperty('claims.verifiedEmail');
    }
  });

  it('should allow 30 s of clock difference past the expiry, and no more', async () => {
    expect(await verify(await token({}, -20))).toHaveProperty('claims');
    expect(await verify(await token({}, -40))).toMatchObject({ refused: 'token' });
    expect(await verify(await token({ nbf: now() + 20 }))).toHaveProperty('claims');
    expect(await verify(await token({ nbf: now() + 40 }))).toMatchObject({ refused: 'token' });
  });

  it('should refuse a token without an expiry, an anonymous user’s, and one whose claims are malformed', async () => {
    const noExp = await new SignJWT({ sub: 'someone' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience('authenticated')
      .sign(new TextEncoder().encode(SECRET));
    expect(await verify(noExp)).toMatchObject({ refused: 'token' });
    expect(await verify(await token({ is_anonymous: true }))).toMatchObject({ refused: 'token' });
    expect(await verify(await token({ email: ['a@b.c'] as unknown as string }))).toMatchObject({ refused: 'token' });
    expect(await verify('not a token')).toMatchObject({ refused: 'token' });
  });

  it('should tell keys that cannot be fetched from a bad token', async () => {
    const unreachable = supabaseJwtVerifier({
      key: { jwksUrl: new URL('http://127.0.0.1:1/jwks.json') },
      issuer: ISSUER,
      audience: 'authenticated',
    });
    const rs256 = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url')}.e30.c2ln`;
    expect(await unreachable(rs256)).toMatchObject({ refused: 'keys' });
  });
});
