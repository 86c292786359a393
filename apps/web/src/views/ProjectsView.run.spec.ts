import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { STEP_STATUSES, type ProjectDetail } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { RouterView } from 'vue-router';
import { useApprovalsStore } from '../stores/approvals';
import { useProjectsStore } from '../stores/projects';
import { approval, checkpoint, projectDetail, projectError, projectStep } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { mountWithPrime } from '../testing/mount';
import { routerAt } from '../testing/router';
import { signInAs } from '../testing/identity';

// The run view draws its step graph with Vue Flow: slower to mount under happy-dom on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

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

const steps = [
  projectStep({
    stepKey: 'research',
    name: 'Market research',
    status: 'completed',
    resultPreview: 'Three segments.',
    resultSizeBytes: 4096,
  }),
  projectStep({
    stepKey: 'email',
    name: 'Send the email',
    status: 'failed',
    dependencies: ['research'],
    assignedAgent: 'email_marketer',
    attempt: 3,
  }),
  projectStep({
    stepKey: 'finance',
    name: 'Financial plan',
    type: 'subproject',
    department: 'finance',
    status: 'waiting_for_subproject',
    dependencies: ['research'],
  }),
  projectStep({ stepKey: 'finance/forecast', parentKey: 'finance', name: 'Revenue forecast', status: 'running' }),
  projectStep({
    stepKey: 'finance/review',
    parentKey: 'finance',
    name: 'Forecast review',
    status: 'pending',
    dependencies: ['forecast'],
  }),
];

function serve(detail: ProjectDetail) {
  const { plan: _plan, diff: _diff, ...summary } = detail;
  return mockFetch({
    'GET /api/projects': json({ projects: [summary], nextCursor: null }),
    [`GET /api/projects/${detail.id}`]: json(detail),
    [`GET /api/projects/${detail.id}/plan-versions`]: json({ versions: [detail.plan] }),
    [`GET /api/projects/${detail.id}/steps`]: json({ steps }),
    [`GET /api/projects/${detail.id}/errors`]: json({
      errors: [
        projectError({
          stepKey: 'email',
          category: 'network',
          severity: 'high',
          message: 'SMTP timed out.',
          createdAt: '2026-11-20T11:00:00.000Z',
        }),
        projectError({
          stepKey: 'email',
          category: 'llm_timeout',
          severity: 'medium',
          resolvedAt: '2026-11-20T10:30:00.000Z',
          recoveryAction: 'retry',
        }),
      ],
    }),
    [`GET /api/projects/${detail.id}/checkpoints`]: json({
      checkpoints: [
        checkpoint({
          checkpointId: 'c2',
          step: 4,
          completedSteps: ['research'],
          next: ['email', 'finance'],
          events: ['“Market research” completed by Analyst'],
        }),
        checkpoint({
          checkpointId: 'c1',
          step: 1,
          completedSteps: [],
          next: ['research'],
          events: ['Plan approved — run started', 'Started “Market research”'],
        }),
      ],
    }),
    [`POST /api/projects/${detail.id}/rollback`]: json({
      ...detail,
      status: 'paused_by_user',
      updatedAt: '2026-11-20T12:00:00.000Z',
    }),
    'GET /api/approvals': json({
      approvals: [approval({ projectId: detail.id, stepName: 'Send the email' })],
      nextCursor: null,
    }),
    'GET /api/agents': json({ agents: [] }),
  });
}

async function open(detail: ProjectDetail, query = '') {
  const router = await routerAt(`/projects/${detail.id}${query}`);
  const Shell = defineComponent({ render: () => h(RouterView) });
  const wrapper = mountWithPrime(Shell, { global: { plugins: [router] }, attachTo: document.body });
  // The run loads after the project does: wait for every list it shows.
  const projects = useProjectsStore();
  await vi.waitFor(() => {
    for (const state of [projects.stepState, projects.errorsState, projects.checkpointState])
      expect(state[detail.id]).toBe('ready');
  });
  await flushPromises();
  return { wrapper, router };
}

const node = (wrapper: Awaited<ReturnType<typeof open>>['wrapper'], key: string) =>
  wrapper.get(`[data-testid="step-node"][data-step-key="${key}"]`);

describe('ProjectsView: a running project', () => {
  it('should show controls, progress, the live step graph grouped by subproject, errors and checkpoints', async () => {
    const detail = projectDetail({
      status: 'paused_on_error',
      approvedAt: '2026-11-20T10:00:00.000Z',
      department: 'marketing',
    });
    serve(detail);
    const { wrapper } = await open(detail);
    const projects = useProjectsStore();

    expect(projects.openId).toBe(detail.id);
    expect(wrapper.get('[data-testid="project-status"]').text()).toBe('Paused on error');
    expect(wrapper.get('[data-testid="project-control-pause"]').attributes('disabled')).toBeUndefined();
    expect(wrapper.get('[data-testid="project-control-resume"]').attributes('disabled')).toBeDefined();

    const progress = wrapper.get('[data-testid="project-progress"]');
    expect(progress.attributes()).toMatchObject({ 'data-done': '1', 'data-total': '5', 'data-percent': '20' });
    expect(progress.text()).toContain('1 of 5 steps done');

    const groups = wrapper.findAll('[data-testid="step-group"]');
    expect(
      groups.map((g) => [
        g.get('h4').text().replace(/\s+/g, ' '),
        g.findAll('[data-testid="step-node"]').map((n) => n.attributes('data-step-key')),
      ]),
    ).toEqual([
      // Reading order of the left-to-right picture: by column, then top to bottom.
      ['Marketing · 1 of 3 done', ['research', 'finance', 'email']],
      ['Finance — Financial plan · 0 of 2 done', ['finance/forecast', 'finance/review']],
    ]);
    expect(node(wrapper, 'email').attributes('data-status')).toBe('failed');
    expect(node(wrapper, 'email').text()).toContain('Failed · try 3');
    expect(node(wrapper, 'finance/forecast').text()).toContain('Running');
    // The subproject's own dependency (by plan id) is drawn.
    expect(groups[1]?.findAll('.step-graph__edge')).toHaveLength(1);

    expect(wrapper.get('[data-testid="project-approvals-waiting"]').text()).toContain(
      '“Send the email” waits for approval.',
    );

    const errors = wrapper.findAll('[data-testid="project-error"]');
    expect(errors.map((e) => [e.attributes('data-category'), e.attributes('data-resolved')])).toEqual([
      ['network', 'false'],
      ['llm_timeout', 'true'],
    ]);
    expect(errors[0]?.text()).toContain('SMTP timed out.');
    expect(errors[0]?.find('[data-testid="recover-retry"]').exists()).toBe(true);
    expect(errors[1]?.find('[data-testid="recover-retry"]').exists()).toBe(false);

    const items = wrapper.findAll('[data-testid="checkpoint-item"]');
    expect(items.map((i) => i.attributes('data-checkpoint-id'))).toEqual(['c2', 'c1']);
    expect(items[0]?.get('[data-testid="checkpoint-events"]').text()).toBe('“Market research” completed by Analyst');
    expect(items[0]?.text()).toContain('Up next: Send the email, Financial plan');
    expect(items[0]?.text()).toContain('1 step completed by then');
    expect(items[1]?.findAll('[data-testid="checkpoint-events"] li').map((li) => li.text())).toEqual([
      'Plan approved — run started',
      'Started “Market research”',
    ]);
    // A step its events already name is not repeated as up next.
    expect(items[1]?.text()).not.toContain('Up next');
    expect(items[0]?.get('[data-testid="checkpoint-rollback"]').attributes('disabled')).toBeDefined();
  });

  it('should follow live step updates and open a step from the graph', async () => {
    const detail = projectDetail({ status: 'running', approvedAt: '2026-11-20T10:00:00.000Z' });
    serve(detail);
    const { wrapper, router } = await open(detail);

    useProjectsStore().applyStepUpdated({ projectId: detail.id, step: { ...steps[3]!, status: 'completed' } });
    await nextTick();
    expect(node(wrapper, 'finance/forecast').attributes('data-status')).toBe('completed');
    expect(wrapper.get('[data-testid="project-progress"]').attributes('data-done')).toBe('2');

    // A running project must be paused before rolling back; a fork leaves it alone, so it stays possible.
    expect(wrapper.get('[data-testid="checkpoint-hint"]').text()).toContain('Pause the project');
    const buttons = (id: string) => wrapper.findAll(`[data-testid="${id}"]`);
    expect(buttons('checkpoint-rollback').length).toBeGreaterThan(0);
    expect(buttons('checkpoint-rollback').every((b) => b.attributes('disabled') !== undefined)).toBe(true);
    expect(buttons('checkpoint-fork').every((b) => b.attributes('disabled') === undefined)).toBe(true);

    await node(wrapper, 'research').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query['step']).toBe('research');
    expect(document.body.querySelector('[data-testid="step-detail"]')?.textContent).toContain('Three segments.');
  });

  it('should roll back to a checkpoint of a paused project only after confirmation', async () => {
    const detail = projectDetail({ status: 'paused_for_approval', approvedAt: '2026-11-20T10:00:00.000Z' });
    const { requests } = serve(detail);
    const { wrapper } = await open(detail);
    const older = wrapper.findAll('[data-testid="checkpoint-item"]')[1]!;
    await older.get('[data-testid="checkpoint-rollback"]').trigger('click');
    await flushPromises();
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
    expect(document.body.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain(
      'Roll back to this checkpoint?',
    );
    document.body.querySelector<HTMLButtonElement>('[data-testid="confirm-accept"]')?.click();
    await flushPromises();
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      { checkpointId: 'c1', mode: 'rollback' },
    ]);
    expect(wrapper.get('[data-testid="project-status"]').text()).toBe('Paused by user');
    expect(wrapper.get('[data-testid="project-control-resume"]').attributes('disabled')).toBeUndefined();
  });

  it('should render every step status with its own label', async () => {
    const detail = projectDetail({ status: 'running', approvedAt: '2026-11-20T10:00:00.000Z' });
    serve(detail);
    const all = STEP_STATUSES.map((status) => projectStep({ stepKey: `s_${status}`, status }));
    const { wrapper } = await open(detail);
    for (const step of all) useProjectsStore().applyStepUpdated({ projectId: detail.id, step });
    await nextTick();
    const labels = all.map((s) => node(wrapper, s.stepKey).find('.step-node__status').text());
    expect(new Set(labels).size).toBe(STEP_STATUSES.length);
    expect(all.map((s) => node(wrapper, s.stepKey).classes())).toEqual(
      all.map((s) => expect.arrayContaining([`step-node--${s.status}`])),
    );
    expect(useApprovalsStore().pendingCount).toBe(1);
  });
});
