import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agent, projectDetail } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { mountWithPrime } from '../../testing/mount';
import StepRecoveryActions from './StepRecoveryActions.vue';
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

const detail = projectDetail({ status: 'paused_on_error' });
const recoverUrl = `POST /api/projects/${detail.id}/steps/send_email/recover`;

function routes() {
  return mockFetch({
    'GET /api/agents': json({
      agents: [
        agent({ name: 'email_marketer', title: 'Email Marketer', department: 'marketing' }),
        agent({ name: 'copywriter', title: 'Copywriter', department: 'marketing', status: 'busy' }),
        agent({ name: 'old_mailer', title: 'Old Mailer', status: 'retired' }),
      ],
    }),
    [recoverUrl]: json({ ok: true }),
    [`GET /api/projects/${detail.id}`]: json({ ...detail, status: 'running' }),
    [`GET /api/projects/${detail.id}/steps`]: json({ steps: [] }),
    [`GET /api/projects/${detail.id}/errors`]: json({ errors: [] }),
  });
}

async function mountActions() {
  const wrapper = mountWithPrime(StepRecoveryActions, {
    props: { projectId: detail.id, stepKey: 'send_email', stepName: 'Send the email', currentAgent: 'email_marketer' },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

const posted = (requests: ReturnType<typeof routes>['requests']) =>
  requests.filter((r) => r.method === 'POST').map((r) => r.body);

describe('StepRecoveryActions', () => {
  it('should post retry and skip as they are', async () => {
    const { requests } = routes();
    const wrapper = await mountActions();
    await wrapper.get('[data-testid="recover-retry"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="recover-skip"]').trigger('click');
    await flushPromises();
    expect(posted(requests)).toEqual([{ action: 'retry' }, { action: 'skip' }]);
  });

  it('should reassign to the agent chosen, offering only agents that can take the step', async () => {
    const { requests } = routes();
    const wrapper = await mountActions();
    expect(wrapper.get('[data-testid="recover-reassign"]').attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="recover-agent"]').trigger('click');
    await flushPromises();
    const options = [...document.querySelectorAll<HTMLElement>('[role="option"]')];
    expect(options.map((o) => o.textContent?.trim())).toEqual(['Copywriter (marketing) · busy']);
    options[0]?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    await flushPromises();

    await wrapper.get('[data-testid="recover-reassign"]').trigger('click');
    await flushPromises();
    expect(posted(requests)).toEqual([{ action: 'reassign', agent: 'copywriter' }]);
  });

  it('should abort only after confirmation, and show why a recovery failed', async () => {
    const { requests } = mockFetch({
      'GET /api/agents': json({ agents: [] }),
      [recoverUrl]: json(
        { error: { code: 'project/invalid_transition', message: 'The project is no longer paused on an error.' } },
        409,
      ),
    });
    const wrapper = await mountActions();
    await wrapper.get('[data-testid="recover-abort"]').trigger('click');
    await flushPromises();
    expect(posted(requests)).toEqual([]);
    document.body.querySelector<HTMLButtonElement>('[data-testid="confirm-accept"]')?.click();
    await flushPromises();
    expect(posted(requests)).toEqual([{ action: 'abort' }]);
    expect(wrapper.get('[data-testid="recover-error"]').text()).toBe('The project is no longer paused on an error.');
  });

  it('should say a viewer needs the member role instead of offering recovery', async () => {
    signInAs('viewer');
    const { requests } = routes();
    const wrapper = await mountActions();
    expect(wrapper.find('[data-testid="step-recovery"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="step-recovery-denied"]').text()).toBe(
      'Needs the member role to retry, skip, reassign or abort.',
    );
    expect(requests).toEqual([]);
  });
});
