import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disposeSocket, useSocket } from '../../composables/useSocket';
import { agent, approval, uuid } from '../../testing/factories';
import { diffPanesDrawn } from '../../testing/diffPanes';
import { FakeSocket } from '../../testing/fakeSocket';
import { json, mockFetch as mockRoutes } from '../../testing/fetchMock';
import { mountWithPrime } from '../../testing/mount';
import { routerAt } from '../../testing/router';
import { signInAs } from '../../testing/identity';
import { useWorkforceStore } from '../../stores/workforce';
import AgentImprovementCard from './AgentImprovementCard.vue';
import { agentDetail, improvement } from './testData';

let fake: FakeSocket;

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
  fake = new FakeSocket();
  useSocket({ createSocket: () => fake.asSocket() });
  fake.simulateConnect();
});
afterEach(() => {
  disposeSocket();
  document.body.innerHTML = '';
});

const DIFF =
  '--- a/Context.md\n+++ b/Context.md\n@@ -3 +3 @@\n-Write long, thorough posts.\n+Keep posts under 600 words.\n';

function pending(overrides: Parameters<typeof improvement>[0] = {}) {
  const approvalId = uuid();
  return improvement({
    status: 'pending_approval',
    approvalId,
    diff: DIFF,
    reason: 'Readers asked for shorter posts.',
    ...overrides,
  });
}

async function mountCard(improvementId: string, approvalId: string | null = null) {
  const router = await routerAt('/');
  const wrapper = mountWithPrime(AgentImprovementCard, {
    props: { improvementId, approvalId },
    global: { plugins: [router] },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

/** Every card lists the agents once, for the agent's title. */
const mockFetch = (routes: Parameters<typeof mockRoutes>[0]) =>
  mockRoutes({
    'GET /api/agents': json({ agents: [agent({ name: 'blog_post_writer', title: 'Blog Post Writer' })] }),
    ...routes,
  });

const confirmButton = () => document.querySelector('[data-testid="confirm-accept"]') as HTMLButtonElement;

describe('AgentImprovementCard', () => {
  it('should send the approval with notes and show the applied version live when the proposal awaits approval', async () => {
    const proposal = pending();
    const approvalId = proposal.approvalId!;
    const { requests } = mockFetch({
      [`GET /api/improvements/${proposal.id}`]: json(proposal),
      [`GET /api/approvals/${approvalId}`]: json(
        approval({ id: approvalId, kind: 'agent_improvement', status: 'pending' }),
      ),
      [`POST /api/approvals/${approvalId}/decision`]: json(
        approval({ id: approvalId, kind: 'agent_improvement', status: 'approved', decidedBy: 'Ada' }),
      ),
    });
    const wrapper = await mountCard(proposal.id, approvalId);

    const agentLink = wrapper.get('[data-testid="improvement-card-agent"]');
    expect(agentLink.text()).toBe('Blog Post Writer');
    expect(agentLink.attributes('href')).toBe('/workforce/blog_post_writer?tab=improvements');
    expect(wrapper.get('[data-testid="improvement-card-reason"]').text()).toBe('Readers asked for shorter posts.');
    await diffPanesDrawn();
    const changed = (side: 'a' | 'b') => wrapper.findAll(`.cm-merge-${side} .cm-changedLine`).map((l) => l.text());
    expect(changed('b')).toContain('Keep posts under 600 words.');
    expect(changed('a')).toContain('Write long, thorough posts.');
    expect(wrapper.get('[data-testid="improvement-approve"]').attributes('disabled')).toBeUndefined();

    await wrapper.get('[data-testid="improvement-approve"]').trigger('click');
    await flushPromises();
    (document.querySelector('[data-testid="confirm-notes"]') as HTMLTextAreaElement).value = 'Good call';
    document.querySelector('[data-testid="confirm-notes"]')!.dispatchEvent(new Event('input'));
    confirmButton().click();
    await flushPromises();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ decision: 'approve', notes: 'Good call' });

    // The apply runs on the server after the decision; the card follows its event.
    fake.serverEmit('agent_improvement.updated', {
      ...proposal,
      status: 'applied',
      newVersion: 4,
      appliedAt: '2026-11-21T10:06:00.000Z',
    });
    await flushPromises();
    expect(wrapper.get('[data-testid="agent-improvement-card"]').attributes('data-status')).toBe('applied');
    expect(wrapper.get('[data-testid="improvement-card-applied"]').text()).toBe('Applied as version 4.');
    expect(wrapper.get('[data-testid="improvement-card-version-link"]').attributes('href')).toBe(
      '/workforce/blog_post_writer?tab=versions',
    );
    expect(wrapper.find('[data-testid="improvement-approve"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="improvement-card-restore"]').exists()).toBe(true);

    // A fetch answered before the apply (still awaiting approval) must not undo the event.
    await useWorkforceStore().loadImprovement(proposal.id, { force: true });
    await flushPromises();
    expect(wrapper.get('[data-testid="agent-improvement-card"]').attributes('data-status')).toBe('applied');
    wrapper.unmount();
  });

  it('should turn approve and reject off and say why when the approval expired', async () => {
    const proposal = pending();
    const approvalId = proposal.approvalId!;
    const { requests } = mockFetch({
      [`GET /api/improvements/${proposal.id}`]: json(proposal),
      [`GET /api/approvals/${approvalId}`]: json(
        approval({ id: approvalId, kind: 'agent_improvement', status: 'pending' }),
      ),
    });
    const wrapper = await mountCard(proposal.id);
    expect(wrapper.get('[data-testid="improvement-approve"]').attributes('disabled')).toBeUndefined();

    fake.serverEmit(
      'approval.decided',
      approval({ id: approvalId, kind: 'agent_improvement', status: 'expired', decidedAt: '2026-11-22T10:00:00.000Z' }),
    );
    await flushPromises();

    const blocked = wrapper.get('[data-testid="improvement-card-blocked"]');
    expect(blocked.text()).toContain('The approval expired');
    for (const button of ['improvement-approve', 'improvement-reject']) {
      const el = wrapper.get(`[data-testid="${button}"]`);
      expect(el.attributes('disabled')).toBeDefined();
      expect(el.attributes('aria-describedby')).toBe(blocked.attributes('id'));
    }
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
    wrapper.unmount();
  });

  it('should say who rejected it and with which notes when the proposal was rejected', async () => {
    const proposal = pending({ status: 'rejected' });
    const approvalId = proposal.approvalId!;
    mockFetch({
      [`GET /api/improvements/${proposal.id}`]: json(proposal),
      [`GET /api/approvals/${approvalId}`]: json(
        approval({
          id: approvalId,
          kind: 'agent_improvement',
          status: 'rejected',
          decidedBy: 'Ada',
          decisionNotes: 'Length is fine',
        }),
      ),
    });
    const wrapper = await mountCard(proposal.id);
    expect(wrapper.get('[data-testid="improvement-card-blocked"]').text()).toBe(
      'Rejected by Ada: “Length is fine”; Context.md was not changed.',
    );
    expect(wrapper.get('[data-testid="improvement-reject"]').attributes('disabled')).toBeDefined();
    wrapper.unmount();
  });

  it('should restore the previous version after a confirmation when the improvement was applied', async () => {
    const applied = pending({ status: 'applied', baseVersion: 3, newVersion: 4 });
    const approvalId = applied.approvalId!;
    const { requests } = mockFetch({
      [`GET /api/improvements/${applied.id}`]: json(applied),
      [`GET /api/approvals/${approvalId}`]: json(
        approval({ id: approvalId, kind: 'agent_improvement', status: 'approved' }),
      ),
      [`POST /api/improvements/${applied.id}/restore`]: json({
        ...applied,
        status: 'rolled_back',
        rolledBackAt: '2026-11-21T11:00:00.000Z',
      }),
      'GET /api/agents/blog_post_writer': json(agentDetail({ name: 'blog_post_writer', version: 5 })),
      'GET /api/agents/blog_post_writer/versions': json({ versions: [], nextCursor: null }),
    });
    const wrapper = await mountCard(applied.id);

    await wrapper.get('[data-testid="improvement-card-restore"]').trigger('click');
    await flushPromises();
    expect(document.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain('goes back to version 3');
    confirmButton().click();
    await flushPromises();

    expect(requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([
      `/api/improvements/${applied.id}/restore`,
    ]);
    expect(wrapper.get('[data-testid="agent-improvement-card"]').attributes('data-status')).toBe('rolled_back');
    expect(wrapper.find('[data-testid="improvement-card-restore"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('should show the error and load again on retry when the proposal cannot be fetched', async () => {
    const proposal = pending();
    let calls = 0;
    mockFetch({
      [`GET /api/improvements/${proposal.id}`]: () => {
        calls += 1;
        return calls === 1
          ? { status: 503, body: { error: { code: 'system/unavailable', message: 'The database is not reachable.' } } }
          : { body: proposal };
      },
      [`GET /api/approvals/${proposal.approvalId}`]: json(
        approval({ id: proposal.approvalId!, kind: 'agent_improvement' }),
      ),
    });
    const wrapper = await mountCard(proposal.id);
    expect(wrapper.text()).toContain('Could not load the improvement proposal: The database is not reachable.');

    await wrapper.get('[data-testid="improvement-card-retry"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="agent-improvement-card"]').attributes('data-status')).toBe('pending_approval');
    wrapper.unmount();
  });
});
