import { enableAutoUnmount, flushPromises, type VueWrapper } from '@vue/test-utils';
import type { Member } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../stores/session';
import { json, mockFetch, type RecordedRequest } from '../testing/fetchMock';
import { invitation, member, signInAs } from '../testing/identity';
import { mountRoute } from '../testing/router';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

const writes = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.url, r.body]);
const row = (wrapper: VueWrapper, m: Member) => wrapper.get(`[data-testid="member-row"][data-user-id="${m.userId}"]`);
const dialog = () => document.body.querySelector('[data-testid="confirm-dialog"]');
async function confirm() {
  document.body.querySelector<HTMLButtonElement>('[data-testid="confirm-accept"]')!.click();
  await flushPromises();
}

function setup() {
  const info = signInAs('admin');
  const me = member({ userId: info.user!.id, displayName: 'Ada Lovelace', email: 'ada@example.com', role: 'admin' });
  const grace = member();
  const pending = invitation();
  const fetched = mockFetch({
    'GET /api/members': json({ members: [me, grace] }),
    'GET /api/invitations': json({ invitations: [pending] }),
  });
  return { ...fetched, me, grace, pending };
}

describe('MembersView', () => {
  it('should list members with their roles and pending invitations', async () => {
    const { me, grace, pending } = setup();
    const { wrapper } = await mountRoute('/members');

    expect(wrapper.findAll('[data-testid="member-row"] th').map((th) => th.text())).toEqual([
      'Ada Lovelace (you)',
      'Grace Hopper',
    ]);
    const graceRole = row(wrapper, grace).get<HTMLSelectElement>('[data-testid="member-role"]');
    expect(graceRole.element.value).toBe('member');
    expect(graceRole.attributes('aria-label')).toBe('Role of Grace Hopper');
    // The only admin can be neither demoted nor removed, and says why.
    const myRole = row(wrapper, me).get('[data-testid="member-role"]');
    expect(myRole.attributes('disabled')).toBeDefined();
    expect(myRole.attributes('title')).toContain('at least one admin');
    expect(row(wrapper, me).get('[data-testid="member-remove"]').attributes('disabled')).toBeDefined();

    const invitationRow = wrapper.get(`[data-testid="invitation-row"][data-invitation-id="${pending.id}"]`);
    expect(invitationRow.text()).toContain('linus@example.com');
    expect(invitationRow.text()).toContain('Viewer');
    expect(invitationRow.text()).toContain('Ada Lovelace');
  });

  it('should change a role at once and say so', async () => {
    const { grace } = setup();
    const { wrapper } = await mountRoute('/members');
    const { requests } = mockFetch({
      [`PUT /api/members/${grace.userId}/role`]: json({ ...grace, role: 'approver' }),
    });
    const select = row(wrapper, grace).get<HTMLSelectElement>('[data-testid="member-role"]');
    await select.setValue('approver');
    await flushPromises();
    expect(select.element.value).toBe('approver');
    expect(writes(requests)).toEqual([['PUT', `/api/members/${grace.userId}/role`, { role: 'approver' }]]);
    expect(wrapper.get('[data-testid="members-notice"]').text()).toBe('Grace Hopper is now approver.');
  });

  it('should keep the old role and show why when the server refuses the change', async () => {
    const { grace } = setup();
    const { wrapper } = await mountRoute('/members');
    mockFetch({
      [`PUT /api/members/${grace.userId}/role`]: json(
        { error: { code: 'member/last_admin', message: 'The workspace needs at least one admin.' } },
        409,
      ),
    });
    const select = row(wrapper, grace).get<HTMLSelectElement>('[data-testid="member-role"]');
    await select.setValue('viewer');
    await flushPromises();
    expect(select.element.value).toBe('member');
    expect(wrapper.get('[data-testid="members-notice"]').text()).toContain('The workspace needs at least one admin.');
  });

  it('should remove a member only after confirming', async () => {
    const { grace } = setup();
    const { wrapper } = await mountRoute('/members');
    const { requests: later } = mockFetch({ [`DELETE /api/members/${grace.userId}`]: () => ({ status: 204 }) });

    await row(wrapper, grace).get('[data-testid="member-remove"]').trigger('click');
    await flushPromises();
    expect(dialog()?.textContent).toContain('Grace Hopper (grace@example.com) loses access to Acme');
    expect(later).toEqual([]);

    await confirm();
    expect(writes(later)).toEqual([['DELETE', `/api/members/${grace.userId}`, undefined]]);
    expect(wrapper.find(`[data-user-id="${grace.userId}"]`).exists()).toBe(false);
    expect(wrapper.get('[data-testid="members-notice"]').text()).toBe('Removed Grace Hopper.');
  });

  it('should show a password reset link once, with a copy button', async () => {
    const { grace } = setup();
    const { wrapper } = await mountRoute('/members');
    mockFetch({
      [`POST /api/members/${grace.userId}/password-reset`]: json({
        resetUrl: 'https://orch.example/reset-password?token=rst_9',
        expiresAt: '2026-11-22T09:00:00.000Z',
      }),
    });
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });

    await row(wrapper, grace).get('[data-testid="member-reset"]').trigger('click');
    await flushPromises();
    const link = wrapper.get('[data-testid="reset-link"]');
    expect(link.get('label').text()).toBe('Password reset link for Grace Hopper');
    expect(link.get<HTMLInputElement>('[data-testid="reset-link-value"]').element.value).toBe(
      'https://orch.example/reset-password?token=rst_9',
    );
    expect(link.text()).toContain('shown only this once');

    await link.get('[data-testid="reset-link-copy"]').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith('https://orch.example/reset-password?token=rst_9');
    expect(link.get('[data-testid="reset-link-status"]').text()).toBe('Copied to the clipboard.');

    await link.get('[data-testid="reset-link-dismiss"]').trigger('click');
    expect(wrapper.find('[data-testid="reset-link"]').exists()).toBe(false);
  });

  it('should invite by email with a role, show the link once and list the invitation', async () => {
    const { pending } = setup();
    const { wrapper } = await mountRoute('/members');
    const created = invitation({ email: 'alan@example.com', role: 'approver', createdAt: '2026-11-21T09:00:00.000Z' });
    const { requests } = mockFetch({
      'POST /api/invitations': json({ ...created, acceptUrl: 'https://orch.example/invite?token=inv_7' }, 201),
    });

    await wrapper.get('[data-testid="invite-form-email"]').setValue('Alan@Example.com');
    await wrapper.get('[data-testid="invite-form-role"]').setValue('approver');
    expect(wrapper.get('.invite-form__hint').text()).toContain('approves or rejects');
    await wrapper.get('[data-testid="invite-form"]').trigger('submit');
    await flushPromises();

    expect(writes(requests)).toEqual([['POST', '/api/invitations', { email: 'alan@example.com', role: 'approver' }]]);
    expect(wrapper.get<HTMLInputElement>('[data-testid="invitation-link-value"]').element.value).toBe(
      'https://orch.example/invite?token=inv_7',
    );
    expect(wrapper.get<HTMLInputElement>('[data-testid="invite-form-email"]').element.value).toBe('');
    expect(wrapper.findAll('[data-testid="invitation-row"]').map((r) => r.attributes('data-invitation-id'))).toEqual([
      created.id,
      pending.id,
    ]);
  });

  it('should refuse an invalid email without asking the server', async () => {
    setup();
    const { wrapper } = await mountRoute('/members');
    const { requests } = mockFetch({});
    await wrapper.get('[data-testid="invite-form-email"]').setValue('not-an-email');
    await wrapper.get('[data-testid="invite-form"]').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid="invite-form-email-error"]').exists()).toBe(true);
    expect(requests).toEqual([]);
  });

  it('should revoke a pending invitation after confirming', async () => {
    const { pending } = setup();
    const { wrapper } = await mountRoute('/members');
    const { requests } = mockFetch({ [`DELETE /api/invitations/${pending.id}`]: () => ({ status: 204 }) });
    await wrapper.get('[data-testid="invitation-revoke"]').trigger('click');
    await flushPromises();
    expect(dialog()?.textContent).toContain('The link sent to linus@example.com stops working');
    await confirm();
    expect(writes(requests)).toEqual([['DELETE', `/api/invitations/${pending.id}`, undefined]]);
    expect(wrapper.get('[data-testid="invitations-empty"]').text()).toBe('No pending invitations.');
  });

  it('should ask before an admin gives up their own admin role, then follow the new role', async () => {
    const info = signInAs('admin');
    const me = member({ userId: info.user!.id, displayName: 'Ada Lovelace', role: 'admin' });
    const other = member({ role: 'admin' });
    mockFetch({
      'GET /api/members': json({ members: [me, other] }),
      'GET /api/invitations': json({ invitations: [] }),
      [`PUT /api/members/${me.userId}/role`]: json({ ...me, role: 'member' }),
      'GET /api/auth/session': json({ ...info, workspace: { ...info.workspace!, role: 'member' } }),
    });
    const { wrapper } = await mountRoute('/members');
    await row(wrapper, me).get('[data-testid="member-role"]').setValue('member');
    await flushPromises();
    expect(dialog()?.textContent).toContain('Give up the admin role?');
    await confirm();
    expect(useSessionStore().role).toBe('member');
    expect(wrapper.get('[data-testid="members-forbidden"]').text()).toContain('Your role in this workspace is member');
  });

  it('should show why members could not load and retry', async () => {
    signInAs('admin');
    let fail = true;
    mockFetch({
      'GET /api/members': () =>
        fail
          ? { status: 500, body: { error: { code: 'http/server_error', message: 'Boom.' } } }
          : { body: { members: [member()] } },
      'GET /api/invitations': json({ invitations: [] }),
    });
    const { wrapper } = await mountRoute('/members');
    expect(wrapper.get('[data-testid="members-error"]').text()).toContain('Boom.');
    fail = false;
    await wrapper.get('[data-testid="members-error"] button').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="member-row"]')).toHaveLength(1);
  });

  it('should tell a non-admin that only admins manage members, loading nothing', async () => {
    signInAs('approver');
    const { requests } = mockFetch({});
    const { wrapper } = await mountRoute('/members');
    expect(wrapper.get('[data-testid="members-forbidden"]').text()).toContain('Only admins manage members');
    expect(requests).toEqual([]);
  });
});
