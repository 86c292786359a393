import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../stores/session';
import { json, mockFetch, type RecordedRequest } from '../../testing/fetchMock';
import { membership, signInAs } from '../../testing/identity';
import { mountWithPrime } from '../../testing/mount';
import { reloadAt } from '../../utils/navigation';
import WorkspaceSwitcher from './WorkspaceSwitcher.vue';

vi.mock('../../utils/navigation', async (original) => ({
  ...(await original<typeof import('../../utils/navigation')>()),
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

const research = membership({ name: 'Research', slug: 'research', role: 'viewer' });
const writes = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.url, r.body]);

async function mountSwitcher(role: 'admin' | 'member' = 'admin') {
  const info = signInAs(role);
  useSessionStore().info = { ...info, workspaces: [info.workspace!, research] };
  const wrapper = mountWithPrime(WorkspaceSwitcher, { attachTo: document.body });
  await wrapper.get('[data-testid="workspace-toggle"]').trigger('click');
  return { wrapper, info };
}

describe('WorkspaceSwitcher', () => {
  it('should list the person’s workspaces with their role there, marking the current one', async () => {
    const { wrapper, info } = await mountSwitcher();
    expect(wrapper.get('[data-testid="workspace-toggle"]').attributes('aria-label')).toBe('Workspace: Acme');
    const options = wrapper.findAll('[data-testid="workspace-option"]');
    expect(options.map((o) => [o.attributes('data-workspace-id'), o.attributes('aria-current'), o.text()])).toEqual([
      [info.workspace!.id, 'true', 'AcmeAdmin'],
      [research.id, undefined, 'ResearchViewer'],
    ]);
  });

  it('should switch workspace and load the app anew', async () => {
    const { wrapper, info } = await mountSwitcher();
    const { requests } = mockFetch({
      'POST /api/auth/workspace': json({ ...info, workspace: research, workspaces: [info.workspace, research] }),
    });
    await wrapper.findAll('[data-testid="workspace-option"]')[1]!.trigger('click');
    await flushPromises();
    expect(writes(requests)).toEqual([['POST', '/api/auth/workspace', { workspaceId: research.id }]]);
    expect(reloadAt).toHaveBeenCalledWith('/');
  });

  it('should create a workspace and go into it', async () => {
    const { wrapper, info } = await mountSwitcher('member');
    const created = membership({ name: 'Skunkworks', slug: 'skunkworks', role: 'admin' });
    const { requests } = mockFetch({
      'POST /api/workspaces': json(created, 201),
      'POST /api/auth/workspace': json({ ...info, workspace: created, workspaces: [info.workspace, created] }),
    });
    await wrapper.get('[data-testid="workspace-new"]').trigger('click');
    await flushPromises();
    expect(document.activeElement).toBe(wrapper.get('[data-testid="workspace-name"]').element);
    await wrapper.get('[data-testid="workspace-name"]').setValue(' Skunkworks ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(writes(requests)).toEqual([
      ['POST', '/api/workspaces', { name: 'Skunkworks' }],
      ['POST', '/api/auth/workspace', { workspaceId: created.id }],
    ]);
    expect(reloadAt).toHaveBeenCalledWith('/');
  });

  it('should let only admins rename the current workspace', async () => {
    const { wrapper: asMember } = await mountSwitcher('member');
    expect(asMember.find('[data-testid="workspace-rename"]').exists()).toBe(false);
    asMember.unmount();

    const { wrapper, info } = await mountSwitcher('admin');
    const { requests } = mockFetch({
      'PUT /api/workspaces/current': json({ ...info.workspace!, name: 'Acme Labs' }),
    });
    await wrapper.get('[data-testid="workspace-rename"]').trigger('click');
    expect(wrapper.get<HTMLInputElement>('[data-testid="workspace-name"]').element.value).toBe('Acme');
    await wrapper.get('[data-testid="workspace-name"]').setValue('Acme Labs');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(writes(requests)).toEqual([['PUT', '/api/workspaces/current', { name: 'Acme Labs' }]]);
    expect(wrapper.get('[data-testid="workspace-toggle"]').text()).toBe('Acme Labs');
    expect(reloadAt).not.toHaveBeenCalled();
  });

  it('should say why a switch failed and stay', async () => {
    const { wrapper } = await mountSwitcher();
    mockFetch({
      'POST /api/auth/workspace': json({ error: { code: 'auth/forbidden', message: 'Not a member.' } }, 403),
    });
    await wrapper.findAll('[data-testid="workspace-option"]')[1]!.trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="workspace-error"]').text()).toBe('Could not switch to Research: Not a member.');
    expect(reloadAt).not.toHaveBeenCalled();
  });
});
