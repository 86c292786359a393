import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';
import { llmSettingsFromEnv } from './llm.js';

describe('loadConfig', () => {
  it('should list every bad key in one error', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LLM_PROVIDER: 'gpt', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const key of ['PORT', 'DATABASE_URL', 'LLM_PROVIDER', 'LOG_LEVEL']) expect(problems).toContain(key);
    }
  });

  it('should require the key of an explicitly chosen provider', () => {
    expect(() => loadConfig({ LLM_PROVIDER: 'anthropic' })).toThrow(/ANTHROPIC_API_KEY/);
  });

  it('should default to the embedded database and the offline model', () => {
    const config = loadConfig({});
    expect(config.env.DATABASE_URL).toBeUndefined();
    expect(config.env.HOST).toBe('127.0.0.1');
    expect(llmSettingsFromEnv(config.env)).toEqual({ provider: 'offline' });
  });

  it('should pick a provider from the keys present when LLM_PROVIDER=auto', () => {
    expect(llmSettingsFromEnv(loadConfig({ ANTHROPIC_API_KEY: 'k' }).env).provider).toBe('anthropic');
    expect(llmSettingsFromEnv(loadConfig({ LLM_BASE_URL: 'http://localhost:1234/v1' }).env)).toMatchObject({
      provider: 'openai',
      baseUrl: 'http://localhost:1234/v1',
    });
  });

  it('should refuse a non-loopback HOST unless people must sign in', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'orch.example.com'])
      expect(() => loadConfig({ HOST: host }), host).toThrow(/HOST: .* would serve the API beyond this machine/);
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(loadConfig({ HOST: host }).env.HOST).toBe(host);
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'authenticated' }).env.HOST).toBe('0.0.0.0');
  });

  it('should read ALLOWED_HOSTS and CORS_ORIGINS as lists', () => {
    const config = loadConfig({ ALLOWED_HOSTS: ' orch.example.com, ,b.example ', CORS_ORIGINS: 'https://a.example' });
    expect(config.allowedHosts).toEqual(['orch.example.com', 'b.example']);
    expect(config.corsOrigins).toEqual(['https://a.example']);
  });

  describe('Supabase Auth tokens', () => {
    const SECRET = 'a-supabase-jwt-secret-of-32-chars!';
    const ISSUER = 'https://project.supabase.co/auth/v1';
    const authenticated = { AUTH_MODE: 'authenticated', SUPABASE_JWT_ISSUER: ISSUER };
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };

    it('should pin the HS256 secret or the JWKS URL, the issuer and Supabase’s audience', () => {
      expect(loadConfig({ ...authenticated, SUPABASE_JWT_SECRET: SECRET }).supabaseAuth).toEqual({
        key: { secret: SECRET },
        issuer: ISSUER,
        audience: 'authenticated',
      });
      const jwks = 'https://project.supabase.co/auth/v1/.well-known/jwks.json';
      expect(
        loadConfig({ ...authenticated, SUPABASE_JWKS_URL: jwks, SUPABASE_JWT_AUDIENCE: 'api' }).supabaseAuth,
      ).toEqual({ key: { jwksUrl: new URL(jwks) }, issuer: ISSUER, audience: 'api' });
      expect(loadConfig(authenticated).supabaseAuth).toBeUndefined();
    });

    it('should refuse them outside authenticated mode, without an issuer, or with both keys, listing each key', () => {
      expect(problems({ SUPABASE_JWT_SECRET: SECRET, SUPABASE_JWT_ISSUER: ISSUER })).toEqual([
        'SUPABASE_JWT_SECRET: Supabase Auth tokens are accepted only when AUTH_MODE=authenticated',
      ]);
      expect(problems({ AUTH_MODE: 'authenticated', SUPABASE_JWKS_URL: 'https://p.example/jwks' })).toEqual([
        expect.stringMatching(/^SUPABASE_JWT_ISSUER: required with SUPABASE_JWKS_URL/),
      ]);
      expect(
        problems({ ...authenticated, SUPABASE_JWT_SECRET: SECRET, SUPABASE_JWKS_URL: 'https://p.example/jwks' }),
      ).toEqual([expect.stringMatching(/^SUPABASE_JWKS_URL: set SUPABASE_JWT_SECRET .* not both/)]);
      expect(problems({ ...authenticated, SUPABASE_JWT_SECRET: 'short' })).toEqual([
        expect.stringMatching(/^SUPABASE_JWT_SECRET: must be at least 32 characters/),
      ]);
    });
  });

  it('should treat empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).env.PORT).toBe(3000);
  });
});
