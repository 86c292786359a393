import type { ApiToken } from '@orchestrator/contracts';
import { describe, expect, it, vi } from 'vitest';
import type { RequestContext } from '../../common/request-context.js';
import type { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import type { ApiTokensRepository, NewTokenRow } from './api-tokens.repository.js';
import { ApiTokensService } from './api-tokens.service.js';

const ctx: RequestContext = { workspaceId: 'w', userId: 'u', role: 'approver' };
const stored: ApiToken = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'ci',
  prefix: 'abcdefgh',
  role: 'approver',
  createdAt: '2026-12-07T00:00:00.000Z',
  expiresAt: '2027-03-07T00:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
};

function serviceWith(repository: Partial<ApiTokensRepository>) {
  const publisher = { disconnectToken: vi.fn(async () => undefined) };
  const service = new ApiTokensService(repository as ApiTokensRepository, publisher as unknown as RealtimePublisher);
  return { service, publisher };
}

describe('ApiTokensService.create', () => {
  it('should try a new prefix when the first one is taken', async () => {
    const create = vi.fn<ApiTokensRepository['create']>().mockResolvedValueOnce(undefined).mockResolvedValue(stored);
    const { service } = serviceWith({ create });
    const created = await service.create(ctx, { name: 'ci', expiresInDays: 90 });
    const [first, second] = create.mock.calls.map((call) => call[1] as NewTokenRow);
    expect(first!.prefix).not.toBe(second!.prefix);
    expect(created.token.startsWith(`orch_${second!.prefix}_`)).toBe(true);
    expect(second).toMatchObject({ name: 'ci', role: 'approver', expiresInDays: 90 });
  });

  it('should fail after three taken prefixes rather than loop', async () => {
    const create = vi.fn<ApiTokensRepository['create']>().mockResolvedValue(undefined);
    const { service } = serviceWith({ create });
    await expect(service.create(ctx, { name: 'ci', expiresInDays: 90 })).rejects.toThrow(/prefix/);
    expect(create).toHaveBeenCalledTimes(3);
  });

  it('should refuse a role above the caller’s own without storing anything', async () => {
    const create = vi.fn<ApiTokensRepository['create']>();
    const { service } = serviceWith({ create });
    await expect(service.create(ctx, { name: 'ci', role: 'admin', expiresInDays: 90 })).rejects.toMatchObject({
      code: 'auth/forbidden',
    });
    expect(create).not.toHaveBeenCalled();
  });
});

describe('ApiTokensService.revoke', () => {
  it('should close the token’s sockets once it is revoked', async () => {
    const { service, publisher } = serviceWith({ revoke: vi.fn(async () => true) });
    await service.revoke(ctx, stored.id);
    expect(publisher.disconnectToken).toHaveBeenCalledWith(stored.id);
  });

  it('should answer token/not_found for a token the caller does not have', async () => {
    const { service, publisher } = serviceWith({ revoke: vi.fn(async () => false) });
    await expect(service.revoke(ctx, stored.id)).rejects.toMatchObject({ code: 'token/not_found' });
    expect(publisher.disconnectToken).not.toHaveBeenCalled();
  });
});
