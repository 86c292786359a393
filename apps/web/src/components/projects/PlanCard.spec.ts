import { flushPromises } from '@vue/test-utils';
import type { Plan, ProjectDetail } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useConversationsStore } from '../../stores/conversations';
import { agent, plan, planStep, planVersion, projectDetail } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { mountWithPrime } from '../../testing/mount';
import { routerAt } from '../../testing/router';
import PlanCard from './PlanCard.vue';
import { signInAs } from '../../testing/identity';

// Role-aware controls need a role: these tests act as an admin.
beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});

/** Steps listed out of dependency order on purpose; finance is a subproject with a person to name. */
function launchPlan(overrides: Partial<Plan> = {}): Plan {
  return plan({
    title: 'Launch the new product',
    department: 'marketing',
    steps: [
      planStep({
        id: 'launch',
        name: 'Launch',
        dependsOn: ['budget_ok', 'finance'],
        riskLevel: 'high',
        estimatedDuration: { value: 2, unit: 'weeks' },
        assignedAgent: 'marketing_manager',
      }),
      planStep({
        id: 'budget_ok',
        name: 'Budget sign-off',
        type: 'human_approval',
        dependsOn: ['research'],
        estimatedDuration: { value: 2, unit: 'days' },
      }),
      planStep({
        id: 'research',
        name: 'Market research',
        assignedAgent: 'market_researcher',
        estimatedDuration: { value: 1, unit: 'weeks' },
      }),
      planStep({
        id: 'finance',
        name: 'Financial plan',
        type: 'subproject',
        department: 'finance',
        dependsOn: ['research'],
        estimatedDuration: { value: 4, unit: 'days' },
        steps: [
          planStep({
            id: 'review',
            name: 'Forecast review',
            dependsOn: ['forecast'],
            assignedHuman: 'Sarah',
            collaboration: 'review',
            estimatedDuration: { value: 1, unit: 'days' },
          }),
          planStep({
            id: 'forecast',
            name: 'Revenue forecast',
            assignedAgent: 'financial_analyst',
            estimatedDuration: { value: 3, unit: 'days' },
          }),
        ],
      }),
    ],
    criticalPath: {
      stepIds: ['research', 'finance', 'forecast', 'review', 'launch'],
      totalMinutes: 21600,
      display: { value: 9, unit: 'weeks' },
    },
    warnings: ['Nobody is named for the budget sign-off yet.'],
    ...overrides,
  });
}

function detailAt(version: number, overrides: Partial<ProjectDetail> = {}): ProjectDetail {
  return projectDetail({ currentPlanVersion: version, plan: planVersion(version, launchPlan()), ...overrides });
}

async function mountCard(props: { projectId: string; version: number | null }, path = '/workspace') {
  const router = await routerAt(path);
  const wrapper = mountWithPrime(PlanCard, { props, global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

const agentsRoute = json({
  agents: [
    agent({ name: 'market_researcher', title: 'Market Researcher' }),
    agent({ name: 'financial_analyst', title: 'Financial Analyst' }),
  ],
});

describe('PlanCard', () => {
  it('should write the department as HR when the plan is led by hr', async () => {
    const detail = projectDetail({ currentPlanVersion: 1, plan: planVersion(1, launchPlan({ department: 'hr' })) });
    mockFetch({ [`GET /api/projects/${detail.id}`]: json(detail), 'GET /api/agents': agentsRoute });
    const { wrapper } = await mountCard({ projectId: detail.id, version: 1 });

    expect(wrapper.get('[data-testid="plan-department"]').text()).toBe('HR');
    expect(wrapper.get('[data-testid="plan-step-group"] h3').text()).toMatch(/^HR · /);
  });

  it('should list steps in dependency order, grouped by subproject, with durations and people to assign', async () => {
    const detail = detailAt(3);
    mockFetch({ [`GET /api/projects/${detail.id}`]: json(detail), 'GET /api/agents': agentsRoute });
    const { wrapper } = await mountCard({ projectId: detail.id, version: 3 });

    expect(wrapper.get('[data-testid="plan-version"]').text()).toBe('v3');
    expect(wrapper.get('[data-testid="plan-duration"]').text()).toBe('≈ 9 weeks');
    expect(wrapper.get('[data-testid="plan-status"]').text()).toBe('Awaiting approval');
    expect(wrapper.get('[data-testid="plan-department"]').text()).toBe('Marketing');
    expect(wrapper.get('[data-testid="plan-warnings"]').text()).toContain('Nobody is named');

    const groups = wrapper.findAll('[data-testid="plan-step-group"]');
    expect(
      groups.map((g) => [
        g.get('h3').text().replace(/\s+/g, ' '),
        g.findAll('[data-testid="plan-step"]').map((s) => s.attributes('data-step-id')),
      ]),
    ).toEqual([
      ['Marketing · 4 steps', ['research', 'budget_ok', 'finance', 'launch']],
      ['Finance — Financial plan · 2 steps', ['forecast', 'review']],
    ]);

    const step = (id: string) => wrapper.get(`[data-testid="plan-step"][data-step-id="${id}"]`);
    expect(step('research').get('[data-testid="plan-step-assignee"]').text()).toBe('Market Researcher');
    expect(step('research').get('[data-testid="plan-step-duration"]').text()).toBe('1 week');
    expect(step('budget_ok').get('[data-testid="plan-step-assignee"]').text()).toBe('Person to assign (approval)');
    expect(step('review').get('[data-testid="plan-step-assignee"]').text()).toBe('Sarah (review)');
    expect(step('launch').get('[data-testid="plan-step-after"]').text()).toBe('after: Budget sign-off, Financial plan');
    expect(step('launch').classes()).toContain('plan-step--risk-high');
    expect(step('launch').attributes('data-critical')).toBe('true');
    expect(step('budget_ok').attributes('data-critical')).toBeUndefined();

    await wrapper.get('[data-testid="plan-graph-toggle"]').trigger('click');
    const graphs = wrapper.findAll('[data-testid="plan-dag"]');
    expect(graphs).toHaveLength(2);
    expect(graphs[0]?.findAll('.plan-dag__edge')).toHaveLength(4);
    expect(graphs[0]?.findAll('.plan-dag__edge--critical')).toHaveLength(2);
    expect(graphs[0]?.get('svg').attributes('aria-label')).toContain('4 steps in 3 stages');
  });

  it('should show what changed since the previous version', async () => {
    const detail = detailAt(2, {
      diff: {
        added: ['review'],
        removed: ['legal_check'],
        changed: [{ stepId: 'launch', fields: [{ field: 'estimatedDuration', before: '1 week', after: '2 weeks' }] }],
        summary: ['Launch: 1 week → 2 weeks'],
      },
    });
    mockFetch({ [`GET /api/projects/${detail.id}`]: json(detail), 'GET /api/agents': agentsRoute });
    const { wrapper } = await mountCard({ projectId: detail.id, version: 2 });

    const diff = wrapper.get('[data-testid="plan-diff"]');
    expect(diff.text()).toContain('Changes since v1');
    expect(diff.text()).toContain('Launch: 1 week → 2 weeks');
    expect(diff.get('[data-testid="plan-diff-added"]').text()).toContain('Forecast review');
    expect(diff.get('[data-testid="plan-diff-removed"]').text()).toContain('legal_check');
    const changed = diff.get('[data-testid="plan-diff-changed"]');
    expect(changed.text()).toContain('Launch');
    expect(changed.get('del').text()).toBe('1 week');
    expect(changed.get('ins').text()).toBe('2 weeks');
  });

  it('should approve the version shown and then say it waits for the execution engine', async () => {
    const detail = detailAt(3);
    const approved = { ...detail, approvedAt: '2026-11-20T11:00:00.000Z', updatedAt: '2026-11-20T11:00:00.000Z' };
    const { requests } = mockFetch({
      [`GET /api/projects/${detail.id}`]: json(detail),
      [`POST /api/projects/${detail.id}/approve`]: json(approved),
      'GET /api/agents': agentsRoute,
    });
    const { wrapper } = await mountCard({ projectId: detail.id, version: 3 });

    await wrapper.get('[data-testid="plan-approve"]').trigger('click');
    await flushPromises();

    expect(requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([{ version: 3 }]);
    expect(wrapper.get('[data-testid="plan-approved"]').text()).toBe('Approved — waiting for the execution engine');
    expect(wrapper.get('[data-testid="plan-status"]').text()).toBe('Approved');
    // Approved: the decision is made, so the card's actions give way to the running project.
    expect(wrapper.find('[data-testid="plan-approve"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="plan-refine"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="plan-project-link"]').attributes('href')).toBe(`/projects/${detail.id}`);
  });

  it('should refetch and offer the newer version when approving a stale one', async () => {
    let current = detailAt(3);
    const v4 = detailAt(4, {
      id: current.id,
      conversationId: current.conversationId,
      plan: planVersion(4, launchPlan({ title: 'Launch, revised' }), 'Launch: 2 → 3 weeks'),
    });
    const { requests } = mockFetch({
      [`GET /api/projects/${current.id}`]: () => ({ body: current }),
      [`POST /api/projects/${current.id}/approve`]: ({ body }) => {
        const { version } = body as { version: number };
        if (version !== 4) {
          current = v4; // someone refined the plan meanwhile
          return {
            status: 409,
            body: {
              error: {
                code: 'plan/stale_version',
                message: 'Version 3 is no longer current: the plan is at version 4.',
              },
            },
          };
        }
        return { body: { ...v4, approvedAt: '2026-11-20T12:00:00.000Z', updatedAt: '2026-11-20T12:00:00.000Z' } };
      },
      'GET /api/agents': agentsRoute,
    });
    const { wrapper } = await mountCard({ projectId: current.id, version: 3 });

    await wrapper.get('[data-testid="plan-approve"]').trigger('click');
    await flushPromises();

    expect(requests.filter((r) => r.method === 'GET' && r.url.endsWith(current.id))).toHaveLength(2);
    expect(wrapper.get('[data-testid="plan-notice"]').text()).toContain('v3 was not approved: v4 of this plan exists');
    expect(wrapper.get('[data-testid="plan-superseded"]').text()).toContain('Superseded by v4');
    expect(wrapper.get('[data-testid="plan-approve"]').attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="plan-review-current"]').trigger('click');
    expect(wrapper.get('[data-testid="plan-version"]').text()).toBe('v4');
    expect(wrapper.get('h2').text()).toBe('Launch, revised');
    await wrapper.get('[data-testid="plan-approve"]').trigger('click');
    await flushPromises();
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([{ version: 3 }, { version: 4 }]);
    expect(wrapper.find('[data-testid="plan-approved"]').exists()).toBe(true);
  });

  it('should show the server’s reason and the current status when the plan can no longer be approved', async () => {
    let current = detailAt(1);
    mockFetch({
      [`GET /api/projects/${current.id}`]: () => ({ body: current }),
      [`POST /api/projects/${current.id}/approve`]: () => {
        current = { ...current, approvedAt: '2026-11-20T12:00:00.000Z', updatedAt: '2026-11-20T12:00:00.000Z' };
        return {
          status: 409,
          body: { error: { code: 'project/invalid_transition', message: '"Launch" is already approved (version 1).' } },
        };
      },
      'GET /api/agents': agentsRoute,
    });
    const { wrapper } = await mountCard({ projectId: current.id, version: 1 });
    await wrapper.get('[data-testid="plan-approve"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="plan-notice"]').text()).toBe('"Launch" is already approved (version 1).');
    expect(wrapper.get('[data-testid="plan-status"]').text()).toBe('Approved');
    expect(wrapper.find('[data-testid="plan-approve"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="plan-project-link"]').attributes('href')).toBe(`/projects/${current.id}`);
  });

  it('should show an older card as superseded, with Approve disabled and its steps on demand', async () => {
    const detail = detailAt(4);
    const { requests } = mockFetch({
      [`GET /api/projects/${detail.id}`]: json(detail),
      [`GET /api/projects/${detail.id}/plan-versions`]: json({
        versions: [
          detail.plan,
          planVersion(
            3,
            launchPlan({ steps: [planStep({ id: 'research', name: 'Market research' })] }),
            'Added research',
          ),
        ],
      }),
      'GET /api/agents': agentsRoute,
    });
    const { wrapper } = await mountCard({ projectId: detail.id, version: 3 });

    expect(wrapper.get('[data-testid="plan-version"]').text()).toBe('v3');
    expect(wrapper.get('[data-testid="plan-superseded"]').text()).toContain('Superseded by v4');
    expect(wrapper.get('[data-testid="plan-approve"]').attributes('disabled')).toBeDefined();
    expect(wrapper.findAll('[data-testid="plan-step"]')).toHaveLength(0);
    expect(requests.some((r) => r.url.endsWith('/plan-versions'))).toBe(false);

    const toggle = wrapper.findAll('[data-testid="plan-superseded"] button').find((b) => b.text() === 'Show v3');
    await toggle?.trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="plan-step"]').map((s) => s.attributes('data-step-id'))).toEqual(['research']);
    expect(wrapper.text()).toContain('Added research');
  });

  it('should put a refine hint in the composer of the plan’s conversation', async () => {
    const detail = detailAt(1);
    mockFetch({ [`GET /api/projects/${detail.id}`]: json(detail), 'GET /api/agents': agentsRoute });
    const { wrapper, router } = await mountCard({ projectId: detail.id, version: 1 }, '/projects');

    await wrapper.get('[data-testid="plan-refine"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.params['conversationId']).toBe(detail.conversationId);
    expect(useConversationsStore().composerRequest).toMatchObject({
      conversationId: detail.conversationId,
      text: 'Refine the plan: ',
    });
  });

  it('should say so when the project no longer exists', async () => {
    const detail = detailAt(1);
    mockFetch({
      [`GET /api/projects/${detail.id}`]: json(
        { error: { code: 'project/not_found', message: 'Project not found.' } },
        404,
      ),
      'GET /api/agents': agentsRoute,
    });
    const { wrapper } = await mountCard({ projectId: detail.id, version: 1 });
    expect(wrapper.get('[data-testid="plan-error"]').text()).toContain('This project no longer exists.');
    expect(wrapper.find('[data-testid="plan-approve"]').exists()).toBe(false);
  });

  it('should not let a viewer approve or refine a plan, saying which role that needs', async () => {
    signInAs('viewer');
    const detail = detailAt(1);
    mockFetch({ [`GET /api/projects/${detail.id}`]: json(detail), 'GET /api/agents': agentsRoute });
    const { wrapper } = await mountCard({ projectId: detail.id, version: 1 });
    const approve = wrapper.get('[data-testid="plan-approve"]');
    expect(approve.attributes('disabled')).toBeDefined();
    expect(approve.attributes('title')).toBe('Needs the member role');
    expect(wrapper.get('[data-testid="plan-refine"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="plan-refine"]').attributes('title')).toBe('Needs the member role');
  });
});
