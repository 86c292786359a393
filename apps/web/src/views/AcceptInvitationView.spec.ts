import type { InvitationPreview } from '@orchestrator/contracts';
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../stores/session';
import { json, mockFetch } from '../testing/fetchMock';
import { mountRoute } from '../testing/router';
import { sessionInfo, signedOut, user } from '../testing/identity';
import { reloadAt } from '../utils/navigation';

vi.mock('../utils/navigation', async (original) => ({
  ...(await original<typeof import('../utils/navigation')>()),
  reloadAt: vi.fn(),
}));

beforeEach(() => {
  setActivePinia(createPinia());
  vi.mocked(reloadAt).mockClear();
});
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

function preview(overrides: Partial<InvitationPreview> = {}): InvitationPreview {
  return {
    workspaceName: 'Acme',
    email: 'grace@example.com',
    role: 'approver',
    invitedBy: 'Ada Lovelace',
    existingAccount: false,
    ...overrides,
  };
}

const writes = (requests: { method: string }[]) => requests.filter((r) => r.method !== 'GET');

describe('AcceptInvitationView', () => {
  it('should show who invited whom to what, then create the account and open the workspace', async () => {
    const { requests } = mockFetch({
      'GET /api/invitations/accept': json(preview()),
      'POST /api/invitations/accept': json(sessionInfo('approver')),
    });
    const { wrapper } = await mountRoute('/invite?token=inv_1');
    expect(requests[0]?.url).toBe('/api/invitations/accept?token=inv_1');
    expect(wrapper.get('[data-testid="invite-summary"]').text()).toBe(
      'Ada Lovelace invited grace@example.com to join Acme as approver.',
    );
    expect((wrapper.get('[data-testid="invite-email"]').element as HTMLInputElement).value).toBe('grace@example.com');

    await wrapper.get('[data-testid="invite-name"]').setValue('Grace Hopper');
    await wrapper.get('[data-testid="invite-password"]').setValue('a long enough passphrase');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(writes(requests)).toMatchObject([
      {
        url: '/api/invitations/accept',
        body: { token: 'inv_1', displayName: 'Grace Hopper', password: 'a long enough passphrase' },
      },
    ]);
    expect(reloadAt).toHaveBeenCalledWith('/');
  });

  it('should ask for a name and a password before sending', async () => {
    const { requests } = mockFetch({ 'GET /api/invitations/accept': json(preview()) });
    const { wrapper } = await mountRoute('/invite?token=inv_1');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="invite-name-error"]').text()).toBe('Enter your name.');
    expect(wrapper.get('[data-testid="invite-password-error"]').text()).toBe('Choose a password.');
    expect(writes(requests)).toEqual([]);
  });

  it('should say an unknown, used or expired invitation no longer works', async () => {
    mockFetch({
      'GET /api/invitations/accept': json({ error: { code: 'invitation/not_found', message: 'Not found.' } }, 404),
    });
    const { wrapper } = await mountRoute('/invite?token=gone');
    expect(wrapper.get('[data-testid="invite-error"]').text()).toContain('no longer valid');
    expect(wrapper.find('form').exists()).toBe(false);
  });

  it('should say a link without a token is incomplete, asking nothing of the server', async () => {
    const { requests } = mockFetch({});
    const { wrapper } = await mountRoute('/invite');
    expect(wrapper.get('[data-testid="invite-error"]').text()).toContain('no invitation in it');
    expect(requests).toEqual([]);
  });

  it('should send an existing account to sign in first, coming back to the invitation', async () => {
    mockFetch({ 'GET /api/invitations/accept': json(preview({ existingAccount: true })) });
    useSessionStore().info = signedOut();
    const { wrapper, router } = await mountRoute('/invite?token=inv_1');
    const href = wrapper.get('[data-testid="invite-sign-in"]').attributes('href')!;
    expect(router.resolve(href).query['next']).toBe('/invite?token=inv_1');
    expect(wrapper.find('form').exists()).toBe(false);
  });

  it('should join with one click when signed in as the invited account, without a password', async () => {
    const { requests } = mockFetch({
      'GET /api/invitations/accept': json(preview({ existingAccount: true })),
      'POST /api/invitations/accept': json(sessionInfo('approver')),
    });
    useSessionStore().info = sessionInfo('member', { user: user({ email: 'Grace@example.com' }) });
    const { wrapper } = await mountRoute('/invite?token=inv_1');
    await wrapper.get('[data-testid="invite-join"]').trigger('click');
    await flushPromises();
    expect(writes(requests)).toMatchObject([{ url: '/api/invitations/accept', body: { token: 'inv_1' } }]);
    expect(reloadAt).toHaveBeenCalledWith('/');
  });

  it('should ask to sign out first when signed in as someone else', async () => {
    const { requests } = mockFetch({
      'GET /api/invitations/accept': json(preview({ existingAccount: true })),
      'POST /api/auth/logout': () => ({ status: 204 }),
    });
    useSessionStore().info = sessionInfo('member');
    const { wrapper } = await mountRoute('/invite?token=inv_1');
    expect(wrapper.get('[data-testid="invite-other-account"]').text()).toContain(
      'You are signed in as ada@example.com',
    );
    expect(wrapper.find('[data-testid="invite-join"]').exists()).toBe(false);

    await wrapper.get('button.p-button').trigger('click');
    await flushPromises();
    expect(writes(requests).map((r) => r.method)).toEqual(['POST']);
    expect(wrapper.get('[data-testid="invite-sign-in"]').text()).toBe('Sign in to accept');
  });
});
