import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import type { ProjectStatus } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useProjectsStore } from '../../stores/projects';
import { projectDetail } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { mountWithPrime } from '../../testing/mount';
import ProjectControls from './ProjectControls.vue';
import { signInAs } from '../../testing/identity';

// Role-aware controls need a role: these tests act as an admin.
beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});
afterEach(() => {
  document.body.innerHTML = '';
});
// Registered last so it runs first (after-hooks run as a stack): unmount, then clear the DOM.
// A mounted app left behind keeps timers running and can switch the active Pinia under the next test.
enableAutoUnmount(afterEach);

function mountControls(status: ProjectStatus) {
  const detail = projectDetail({ status, approvedAt: '2026-11-20T10:30:00.000Z' });
  useProjectsStore().applyProjectUpdated(detail);
  const wrapper = mountWithPrime(ProjectControls, { props: { projectId: detail.id }, attachTo: document.body });
  return { wrapper, detail };
}

const enabled = (wrapper: ReturnType<typeof mountControls>['wrapper']) =>
  (['pause', 'resume', 'cancel', 'abort'] as const).filter(
    (c) => wrapper.get(`[data-testid="project-control-${c}"]`).attributes('disabled') === undefined,
  );

const dialogButton = (testid: string) => document.body.querySelector<HTMLButtonElement>(`[data-testid="${testid}"]`);

describe('ProjectControls', () => {
  it.each<[ProjectStatus, string[]]>([
    ['running', ['pause', 'cancel', 'abort']],
    ['paused_by_user', ['resume', 'cancel', 'abort']],
    ['paused_for_approval', ['pause', 'cancel', 'abort']],
    ['completed', []],
    ['aborted', []],
  ])('should enable only the legal controls when the project is %s', (status, legal) => {
    const { wrapper } = mountControls(status);
    expect(enabled(wrapper)).toEqual(legal);
  });

  it('should pause at once and follow the status the server returns', async () => {
    const { wrapper, detail } = mountControls('running');
    const { requests } = mockFetch({
      [`POST /api/projects/${detail.id}/pause`]: json({
        ...detail,
        status: 'paused_by_user',
        updatedAt: '2026-11-20T11:00:00.000Z',
      }),
    });
    await wrapper.get('[data-testid="project-control-pause"]').trigger('click');
    await flushPromises();
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([['POST', `/api/projects/${detail.id}/pause`, {}]]);
    expect(wrapper.get('[data-testid="project-status"]').text()).toBe('Paused by user');
    expect(enabled(wrapper)).toEqual(['resume', 'cancel', 'abort']);
  });

  it('should show the server’s 409 message and the status it refused from', async () => {
    const { wrapper, detail } = mountControls('running');
    mockFetch({
      [`POST /api/projects/${detail.id}/pause`]: json(
        {
          error: {
            code: 'project/invalid_transition',
            message: 'The project is completed: it can no longer be paused.',
          },
        },
        409,
      ),
      [`GET /api/projects/${detail.id}`]: json({
        ...detail,
        status: 'completed',
        updatedAt: '2026-11-20T11:00:00.000Z',
      }),
    });
    await wrapper.get('[data-testid="project-control-pause"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="project-control-error"]').text()).toBe(
      'The project is completed: it can no longer be paused.',
    );
    expect(enabled(wrapper)).toEqual([]);
  });

  it('should ask before aborting and send the reason given', async () => {
    const { wrapper, detail } = mountControls('running');
    const { requests } = mockFetch({
      [`POST /api/projects/${detail.id}/abort`]: json({
        ...detail,
        status: 'aborted',
        updatedAt: '2026-11-20T11:00:00.000Z',
      }),
    });
    await wrapper.get('[data-testid="project-control-abort"]').trigger('click');
    await flushPromises();
    expect(requests).toHaveLength(0);
    expect(document.body.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain(
      'Running steps are stopped immediately',
    );

    dialogButton('confirm-cancel')?.click();
    await flushPromises();
    expect(document.body.querySelector('[data-testid="confirm-dialog"]')).toBeNull();
    expect(requests).toHaveLength(0);

    await wrapper.get('[data-testid="project-control-abort"]').trigger('click');
    await flushPromises();
    const notes = document.body.querySelector<HTMLTextAreaElement>('[data-testid="confirm-notes"]');
    expect(notes?.value).toBe('');
    notes!.value = 'The launch was called off';
    notes!.dispatchEvent(new Event('input'));
    dialogButton('confirm-accept')?.click();
    await flushPromises();

    expect(requests.map((r) => r.body)).toEqual([{ reason: 'The launch was called off' }]);
    expect(wrapper.get('[data-testid="project-status"]').text()).toBe('Aborted');
  });

  it('should disable every control for a viewer, saying which role they need', () => {
    signInAs('viewer');
    const { wrapper } = mountControls('running');
    expect(enabled(wrapper)).toEqual([]);
    expect(wrapper.get('[data-testid="project-control-pause"]').attributes('title')).toBe('Needs the member role');
  });
});
