import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useProjectsStore } from '../../stores/projects';
import { projectDetail, projectError, projectStep } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { mountWithPrime } from '../../testing/mount';
import ProjectErrorList from './ProjectErrorList.vue';

beforeEach(() => setActivePinia(createPinia()));

describe('ProjectErrorList', () => {
  it('should show a step waiting for the agent being built for it as a wait, not as "Agent unavailable"', async () => {
    const detail = projectDetail({ status: 'paused_for_agent_development' });
    mockFetch({
      [`GET /api/projects/${detail.id}/steps`]: json({
        steps: [
          projectStep({ stepKey: 'design', name: 'Design the banner', status: 'waiting_for_agent' }),
          projectStep({ stepKey: 'print', name: 'Print the banner', status: 'failed' }),
        ],
      }),
      [`GET /api/projects/${detail.id}/errors`]: json({
        errors: [
          projectError({ stepKey: 'design', category: 'agent_unavailable', severity: 'low', message: 'Waits.' }),
          projectError({ stepKey: 'print', category: 'agent_unavailable', severity: 'high', message: 'Gone.' }),
        ],
      }),
    });
    const store = useProjectsStore();
    await Promise.all([store.loadSteps(detail.id), store.loadErrors(detail.id)]);
    const wrapper = mountWithPrime(ProjectErrorList, { props: { projectId: detail.id } });
    await flushPromises();
    const [waiting, failed] = wrapper.findAll('[data-testid="project-error"]');
    expect(waiting!.get('.project-error__category').text()).toBe('Waiting for a new agent');
    expect(waiting!.classes()).toContain('project-error--waiting');
    expect(failed!.get('.project-error__category').text()).toBe('Agent unavailable');
    expect(failed!.classes()).not.toContain('project-error--waiting');
  });
});
