import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { RouterView } from 'vue-router';
import { planVersion, projectDetail, projectSummary } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { mountWithPrime } from '../testing/mount';
import { routerAt } from '../testing/router';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  document.body.innerHTML = '';
});

async function mountAt(path: string) {
  const router = await routerAt(path);
  const Shell = defineComponent({ render: () => h(RouterView) });
  const wrapper = mountWithPrime(Shell, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

const rowIds = (wrapper: Awaited<ReturnType<typeof mountAt>>['wrapper']) =>
  wrapper.findAll('[data-testid="project-row"]').map((r) => r.attributes('data-project-id'));

describe('ProjectsView', () => {
  it('should list projects with their facts and load the next page on request', async () => {
    const approved = projectSummary({
      title: 'Launch',
      department: 'marketing',
      estimatedDurationMinutes: 9 * 2400,
      approvedAt: '2026-11-20T11:00:00.000Z',
    });
    const second = projectSummary({ title: 'Hiring plan', status: 'running', conversationId: null });
    const { requests } = mockFetch({
      'GET /api/projects': ({ url }) =>
        url.includes('cursor=page2')
          ? { body: { projects: [second], nextCursor: null } }
          : { body: { projects: [approved], nextCursor: 'page2' } },
    });
    const { wrapper } = await mountAt('/projects');

    const row = wrapper.get('[data-testid="project-row"]');
    expect(row.attributes('data-status')).toBe('awaiting_plan_approval');
    expect(row.text()).toContain('Launch');
    expect(row.text()).toContain('Marketing');
    expect(row.get('[data-testid="project-duration"]').text()).toBe('≈ 9 weeks');
    expect(row.get('[data-testid="project-awaiting-engine"]').text()).toBe(
      'Approved — waiting for the execution engine',
    );
    expect(row.get('[data-testid="project-conversation"]').attributes('href')).toBe(
      `/workspace/${approved.conversationId}`,
    );

    await wrapper.get('[data-testid="load-more-projects"]').trigger('click');
    await flushPromises();
    expect(rowIds(wrapper)).toEqual([approved.id, second.id]);
    expect(wrapper.find('[data-testid="load-more-projects"]').exists()).toBe(false);
    expect(requests.map((r) => r.url)).toEqual(['/api/projects?limit=30', '/api/projects?limit=30&cursor=page2']);
  });

  it('should filter by status through the select and keep the filter in the URL', async () => {
    const waiting = projectSummary({ title: 'Waiting' });
    const running = projectSummary({ title: 'Running', status: 'running' });
    const { requests } = mockFetch({
      'GET /api/projects': ({ url }) => ({
        body: { projects: url.includes('status=running') ? [running] : [waiting, running], nextCursor: null },
      }),
    });
    const { wrapper, router } = await mountAt('/projects');
    expect(rowIds(wrapper)).toEqual([waiting.id, running.id]);

    await wrapper.get('[data-testid="project-filter"]').trigger('click');
    await flushPromises();
    const option = [...document.querySelectorAll<HTMLElement>('[role="option"]')].find(
      (o) => o.textContent?.trim() === 'Running',
    );
    expect(option).toBeDefined();
    // PrimeVue selects on mousedown (so the input keeps focus), not on click.
    option?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    await flushPromises();

    expect(router.currentRoute.value.query['status']).toBe('running');
    expect(requests.map((r) => r.url)).toContain('/api/projects?status=running&limit=30');
    expect(rowIds(wrapper)).toEqual([running.id]);
  });

  it('should show an empty state that names the filter', async () => {
    mockFetch({ 'GET /api/projects': json({ projects: [], nextCursor: null }) });
    const { wrapper } = await mountAt('/projects?status=completed');
    expect(wrapper.get('[data-testid="projects-empty"]').text()).toContain('No projects are “completed”.');
  });

  it('should show the error and retry', async () => {
    let attempts = 0;
    mockFetch({
      'GET /api/projects': () => {
        attempts += 1;
        return attempts === 1
          ? { status: 503, body: { error: { code: 'database/unavailable', message: 'The database is unavailable.' } } }
          : { body: { projects: [projectSummary()], nextCursor: null } };
      },
    });
    const { wrapper } = await mountAt('/projects');
    const error = wrapper.get('[data-testid="projects-error"]');
    expect(error.text()).toContain('The database is unavailable.');
    await error.get('button').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="projects-error"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="project-row"]')).toHaveLength(1);
  });

  it('should open a project with its current plan and version history', async () => {
    const detail = projectDetail({
      currentPlanVersion: 2,
      plan: planVersion(2, { title: 'Launch v2' }, 'Launch: 1 → 2 weeks'),
    });
    const { plan: _plan, diff: _diff, ...summary } = detail;
    mockFetch({
      'GET /api/projects': json({ projects: [summary], nextCursor: null }),
      [`GET /api/projects/${detail.id}`]: json(detail),
      [`GET /api/projects/${detail.id}/plan-versions`]: json({ versions: [detail.plan, planVersion(1, {}, '')] }),
      'GET /api/agents': json({ agents: [] }),
    });
    const { wrapper, router } = await mountAt('/projects');
    await wrapper.get('[data-testid="project-link"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.fullPath).toBe(`/projects/${detail.id}`);
    const panel = wrapper.get('[data-testid="project-detail"]');
    expect(panel.get('[data-testid="plan-card"]').attributes('data-version')).toBe('2');
    expect(panel.get('[data-testid="plan-version"]').text()).toBe('v2');
    expect(panel.findAll('[data-testid="plan-history-item"]').map((i) => i.attributes('data-version'))).toEqual([
      '2',
      '1',
    ]);
    expect(panel.get('[data-testid="plan-history"]').text()).toContain('Launch: 1 → 2 weeks');
    expect(wrapper.get(`[data-project-id="${detail.id}"][data-testid="project-row"]`).classes()).toContain(
      'project-row--selected',
    );
  });
});
