import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { agentDetail, build, improvement, metrics } from '../components/workforce/testData';
import { agent } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { mountWithPrime } from '../testing/mount';
import { useAgentsStore } from '../stores/agents';
import { routerAt } from '../testing/router';
import { signInAs } from '../testing/identity';
import WorkforceView from './WorkforceView.vue';

beforeEach(() => setActivePinia(createPinia()));

const AGENTS = [
  agent({ name: 'blog_post_writer', title: 'Blog Post Writer', department: 'marketing' }),
  agent({ name: 'roi_calculator', title: 'ROI Calculator', department: 'finance', type: 'function', status: 'busy' }),
];

async function mountAt(path: string) {
  const router = await routerAt(path);
  const wrapper = mountWithPrime(WorkforceView, { global: { plugins: [router] } });
  await flushPromises();
  return { wrapper, router };
}

describe('WorkforceView', () => {
  it('should list the agents with their metrics and narrow them by department and search', async () => {
    mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({
        metrics: [metrics({ name: 'blog_post_writer', tasks: 12, successRate: 0.75 })],
      }),
      'GET /api/agent-builds': json({ builds: [], nextCursor: null }),
    });
    const { wrapper } = await mountAt('/workforce');

    const rows = () => wrapper.findAll('[data-testid="workforce-row"]');
    expect(rows().map((r) => r.attributes('data-agent'))).toEqual(['roi_calculator', 'blog_post_writer']);
    const writer = wrapper.get('[data-agent="blog_post_writer"]');
    expect(writer.text()).toContain('12');
    expect(writer.text()).toContain('75%');

    await wrapper.get('[data-testid="workforce-search"]').setValue('roi');
    expect(rows().map((r) => r.attributes('data-agent'))).toEqual(['roi_calculator']);
    await wrapper.get('[data-testid="workforce-search"]').setValue('nothing like this');
    expect(wrapper.find('[data-testid="workforce-no-match"]').exists()).toBe(true);
  });

  it('should sort by a column header, both ways, and show departments as words when the person clicks it', async () => {
    mockFetch({
      'GET /api/agents': json({
        agents: [...AGENTS, agent({ name: 'recruiter', title: 'Recruiter', department: 'human_resources' })],
      }),
      'GET /api/agents/metrics': json({
        metrics: [
          metrics({ name: 'blog_post_writer', tasks: 12 }),
          metrics({ name: 'roi_calculator', tasks: 30 }),
          metrics({ name: 'recruiter', tasks: 2 }),
        ],
      }),
      'GET /api/agent-builds': json({ builds: [], nextCursor: null }),
    });
    const { wrapper } = await mountAt('/workforce');
    const order = () => wrapper.findAll('[data-testid="workforce-row"]').map((r) => r.attributes('data-agent'));

    expect(wrapper.findAll('[data-testid="workforce-department"]').map((d) => d.text())).toEqual([
      'Finance',
      'Human resources',
      'Marketing',
    ]);
    const tasks = wrapper.get('[data-testid="workforce-sort-tasks"]');
    await tasks.trigger('click');
    expect(order()).toEqual(['roi_calculator', 'blog_post_writer', 'recruiter']);
    expect(tasks.element.closest('th')!.getAttribute('aria-sort')).toBe('descending');
    await tasks.trigger('click');
    expect(order()).toEqual(['recruiter', 'blog_post_writer', 'roi_calculator']);
    await wrapper.get('[data-testid="workforce-sort-name"]').trigger('click');
    expect(order()).toEqual(['blog_post_writer', 'recruiter', 'roi_calculator']);
  });

  it('should show the error with a retry when the agents cannot be loaded', async () => {
    mockFetch({
      'GET /api/agents': json({ error: { code: 'registry/unavailable', message: 'Registry is loading.' } }, 503),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agent-builds': json({ builds: [], nextCursor: null }),
    });
    const { wrapper } = await mountAt('/workforce');
    expect(wrapper.get('[data-testid="workforce-error"]').text()).toContain('Registry is loading.');
  });

  it('should open the agent named in the route and show its load error prominently', async () => {
    mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agents/blog_post_writer': json(
        agentDetail({ loadError: 'agents/marketing/blog_post_writer/agent.yaml: capabilities: required' }),
      ),
    });
    const { wrapper } = await mountAt('/workforce/blog_post_writer');
    expect(wrapper.get('[data-testid="agent-detail"]').attributes('data-agent')).toBe('blog_post_writer');
    expect(wrapper.get('[data-testid="agent-load-error"]').text()).toContain('capabilities: required');
    expect(wrapper.find('[data-testid="workforce-row"]').exists()).toBe(false);
  });

  it('should say so when the agent in the route does not exist', async () => {
    mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agents/ghost_writer': json(
        { error: { code: 'agent/not_found', message: 'No agent ghost_writer.' } },
        404,
      ),
    });
    const { wrapper } = await mountAt('/workforce/ghost_writer');
    expect(wrapper.get('[data-testid="agent-detail-error"]').text()).toContain(
      'There is no agent named “ghost_writer”',
    );
  });

  it('should fetch the open agent again when the registry reloads', async () => {
    let served = agentDetail({ version: 3 });
    mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agents/blog_post_writer': () => ({ body: served }),
    });
    const { wrapper } = await mountAt('/workforce/blog_post_writer');
    expect(wrapper.get('[data-testid="agent-detail"]').text()).toContain('v3');

    served = agentDetail({ version: 4, title: 'Blog Writer' });
    useAgentsStore().applyRegistryReloaded({ agents: AGENTS.map((a) => ({ ...a })), problems: [] });
    await flushPromises();

    expect(wrapper.get('#agent-detail-title').text()).toBe('Blog Writer');
    expect(wrapper.get('[data-testid="agent-detail"]').text()).toContain('v4');
  });

  it('should let a member see an agent but not retire it or edit its Context.md', async () => {
    signInAs('member');
    const { requests } = mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agents/blog_post_writer': json(agentDetail()),
    });
    const { wrapper } = await mountAt('/workforce/blog_post_writer');
    const retire = wrapper.get('[data-testid="agent-retire"]');
    expect(retire.attributes('disabled')).toBeDefined();
    expect(retire.attributes('title')).toBe('Needs the admin role');
    expect(wrapper.get('[data-testid="context-read-only"]').text()).toContain('Needs the admin role');
    expect(wrapper.find('[data-testid="context-save"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="settings-save"]').attributes('disabled')).toBeDefined();
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('should not let a viewer start an agent build, saying why', async () => {
    signInAs('viewer');
    mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agent-builds': json({ builds: [], nextCursor: null }),
    });
    const { wrapper } = await mountAt('/workforce');
    const create = wrapper.get('[data-testid="workforce-create"]');
    expect(create.attributes('disabled')).toBeDefined();
    expect(create.attributes('title')).toBe('Needs the member role');
    await create.trigger('click');
    expect(wrapper.find('[data-testid="create-agent-wizard"]').exists()).toBe(false);
  });

  it('should let a member start an agent build from the wizard', async () => {
    signInAs('member');
    const started = build();
    const { requests } = mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agent-builds': json({ builds: [], nextCursor: null }),
      'GET /api/agent-templates': json({ templates: [] }),
      'POST /api/agent-builds': json(started),
      [`GET /api/agent-builds/${started.id}`]: json(started),
    });
    const { wrapper } = await mountAt('/workforce');
    await wrapper.get('[data-testid="workforce-create"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="wizard-request"]').setValue(started.request);
    const submit = wrapper.get('[data-testid="wizard-submit"]');
    expect(submit.attributes('disabled')).toBeUndefined();
    await wrapper.get('[data-testid="create-agent-wizard"]').trigger('submit');
    await flushPromises();
    expect(requests.filter((r) => r.method === 'POST').map((r) => [r.url, r.body])).toEqual([
      ['/api/agent-builds', { request: started.request }],
    ]);
    expect(wrapper.get('[data-testid="agent-build-card"]').attributes('data-build-id')).toBe(started.id);
  });

  it('should let a member propose an improvement but leave restoring one to admins', async () => {
    signInAs('member');
    const applied = improvement({ status: 'applied', newVersion: 4 });
    const proposed = improvement({ reason: 'Shorter posts.' });
    const { requests } = mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agents/blog_post_writer': json(agentDetail()),
      'GET /api/agents/blog_post_writer/improvements': json({ improvements: [applied] }),
      'POST /api/agents/blog_post_writer/improvements': json(proposed),
    });
    const { wrapper } = await mountAt('/workforce/blog_post_writer?tab=improvements');
    const restore = wrapper.get('[data-testid="improvement-restore"]');
    expect(restore.attributes('disabled')).toBeDefined();
    expect(restore.attributes('title')).toBe('Needs the admin role');
    expect(wrapper.find('[data-testid="improvement-denied"]').exists()).toBe(false);

    await wrapper.get('[data-testid="improvement-feedback"]').setValue('Posts are too long');
    await wrapper.get('[data-testid="improvement-propose"]').trigger('submit');
    await flushPromises();
    expect(requests.filter((r) => r.method !== 'GET').map((r) => [r.url, r.body])).toEqual([
      ['/api/agents/blog_post_writer/improvements', { feedback: 'Posts are too long' }],
    ]);
  });

  it('should not let a viewer propose an improvement, saying why', async () => {
    signInAs('viewer');
    const { requests } = mockFetch({
      'GET /api/agents': json({ agents: AGENTS }),
      'GET /api/agents/metrics': json({ metrics: [] }),
      'GET /api/agents/blog_post_writer': json(agentDetail()),
      'GET /api/agents/blog_post_writer/improvements': json({ improvements: [] }),
    });
    const { wrapper } = await mountAt('/workforce/blog_post_writer?tab=improvements');
    expect(wrapper.get('[data-testid="improvement-feedback"]').attributes('disabled')).toBeDefined();
    const propose = wrapper.get('[data-testid="improvement-propose"]');
    expect(propose.attributes('disabled')).toBeDefined();
    expect(propose.attributes('title')).toBe('Needs the member role');
    expect(wrapper.get('[data-testid="improvement-denied"]').text()).toBe(
      'Needs the member role to propose improvements.',
    );
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
