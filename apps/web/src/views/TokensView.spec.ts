import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, mockFetch, type RecordedRequest } from '../testing/fetchMock';
import { apiToken, signInAs } from '../testing/identity';
import { mountRoute } from '../testing/router';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

const writes = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.url, r.body]);

describe('TokensView', () => {
  it('should list tokens newest first with their status, and offer revoking only live ones', async () => {
    signInAs('member');
    const live = apiToken({ createdAt: '2026-11-20T09:00:00.000Z', lastUsedAt: '2026-11-20T10:00:00.000Z' });
    const revoked = apiToken({
      name: 'old script',
      createdAt: '2026-11-10T09:00:00.000Z',
      revokedAt: '2026-11-11T09:00:00.000Z',
    });
    const expired = apiToken({
      name: 'trial',
      createdAt: '2026-10-01T09:00:00.000Z',
      expiresAt: '2026-10-08T09:00:00.000Z',
    });
    mockFetch({ 'GET /api/tokens': json({ tokens: [expired, live, revoked], nextCursor: null }) });
    const { wrapper } = await mountRoute('/account/tokens');

    const rows = wrapper.findAll('[data-testid="token-row"]');
    expect(rows.map((r) => [r.attributes('data-token-id'), r.attributes('data-status')])).toEqual([
      [live.id, 'active'],
      [revoked.id, 'revoked'],
      [expired.id, 'expired'],
    ]);
    expect(rows[0]!.text()).toContain('orch_ab12cd34_…');
    expect(rows[0]!.findAll('[data-testid="token-revoke"]')).toHaveLength(1);
    expect(rows[1]!.find('[data-testid="token-revoke"]').exists()).toBe(false);
    expect(rows[2]!.get('[data-testid="token-status"]').text()).toBe('Expired');
  });

  it('should list every page of tokens', async () => {
    signInAs('member');
    const [first, second] = [apiToken({ name: 'first' }), apiToken({ name: 'second' })];
    const { requests } = mockFetch({
      'GET /api/tokens': (request) =>
        request.url.includes('cursor=')
          ? { body: { tokens: [second], nextCursor: null } }
          : { body: { tokens: [first], nextCursor: 'page-2' } },
    });
    const { wrapper } = await mountRoute('/account/tokens');
    expect(wrapper.findAll('[data-testid="token-row"]')).toHaveLength(2);
    expect(requests.map((r) => r.url)).toEqual(['/api/tokens?limit=100', '/api/tokens?limit=100&cursor=page-2']);
  });

  it('should say when there are no tokens yet', async () => {
    signInAs('member');
    mockFetch({ 'GET /api/tokens': json({ tokens: [], nextCursor: null }) });
    const { wrapper } = await mountRoute('/account/tokens');
    expect(wrapper.get('[data-testid="tokens-empty"]').text()).toContain('No tokens yet');
  });

  it('should show why the tokens could not load', async () => {
    signInAs('member');
    mockFetch({ 'GET /api/tokens': json({ error: { code: 'http/server_error', message: 'Boom.' } }, 500) });
    const { wrapper } = await mountRoute('/account/tokens');
    expect(wrapper.get('[data-testid="tokens-error"]').text()).toContain('Boom.');
  });

  it('should offer roles up to the person’s own and create a token, showing its secret once', async () => {
    signInAs('approver');
    const created = apiToken({ name: 'ci deploy', role: 'member', createdAt: '2026-11-21T09:00:00.000Z' });
    const { requests } = mockFetch({
      'GET /api/tokens': json({ tokens: [], nextCursor: null }),
      'POST /api/tokens': json({ ...created, token: 'orch_ab12cd34_secretsecret' }, 201),
    });
    const { wrapper } = await mountRoute('/account/tokens');
    const roles = wrapper.get<HTMLSelectElement>('[data-testid="token-role"]');
    expect(roles.findAll('option').map((o) => o.text())).toEqual(['Approver', 'Member', 'Viewer']);
    expect(roles.element.value).toBe('approver');
    expect(wrapper.get<HTMLSelectElement>('[data-testid="token-expiry"]').element.value).toBe('90');

    await wrapper.get('[data-testid="token-name"]').setValue('ci deploy');
    await roles.setValue('member');
    await wrapper.get('[data-testid="token-expiry"]').setValue('30');
    await wrapper.get('[data-testid="token-form"]').trigger('submit');
    await flushPromises();

    expect(writes(requests)).toEqual([
      ['POST', '/api/tokens', { name: 'ci deploy', role: 'member', expiresInDays: 30 }],
    ]);
    const secret = wrapper.get('[data-testid="token-secret"]');
    expect(secret.get<HTMLInputElement>('[data-testid="token-secret-value"]').element.value).toBe(
      'orch_ab12cd34_secretsecret',
    );
    expect(secret.text()).toContain('shown only this once');
    expect(wrapper.get('[data-testid="token-row"]').attributes('data-token-id')).toBe(created.id);
    expect(wrapper.get('[data-testid="tokens-table"]').text()).not.toContain('secretsecret');
  });

  it('should ask for a name before creating', async () => {
    signInAs('member');
    const { requests } = mockFetch({ 'GET /api/tokens': json({ tokens: [], nextCursor: null }) });
    const { wrapper } = await mountRoute('/account/tokens');
    await wrapper.get('[data-testid="token-form"]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="token-name-error"]').text()).toContain('Give the token a name');
    expect(writes(requests)).toEqual([]);
  });

  it('should revoke a token only after confirming', async () => {
    signInAs('member');
    const live = apiToken();
    const { requests } = mockFetch({
      'GET /api/tokens': json({ tokens: [live], nextCursor: null }),
      [`DELETE /api/tokens/${live.id}`]: () => ({ status: 204 }),
    });
    const { wrapper } = await mountRoute('/account/tokens');
    await wrapper.get('[data-testid="token-revoke"]').trigger('click');
    await flushPromises();
    expect(document.body.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain(
      'Revoke “nightly report”?',
    );
    expect(writes(requests)).toEqual([]);

    document.body.querySelector<HTMLButtonElement>('[data-testid="confirm-accept"]')!.click();
    await flushPromises();
    expect(writes(requests)).toEqual([['DELETE', `/api/tokens/${live.id}`, undefined]]);
    expect(wrapper.get('[data-testid="token-row"]').attributes('data-status')).toBe('revoked');
    expect(wrapper.get('[data-testid="tokens-notice"]').text()).toContain('Revoked “nightly report”');
  });
});
