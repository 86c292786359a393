import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { approval, uuid } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { mountWithPrime } from '../../testing/mount';
import { routerAt } from '../../testing/router';
import { signInAs } from '../../testing/identity';
import { useAgentBuildsStore } from '../../stores/agentBuilds';
import AgentBuildCard from './AgentBuildCard.vue';
import { build, definition } from './testData';

// Role-aware controls need a role: these tests act as an admin.
beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});

const validation = {
  passed: true,
  summary: '2 of 2 sample tasks passed.',
  checks: [{ name: 'schema', passed: true, detail: 'agent.yaml is valid' }],
  tasks: [
    {
      task: 'Explain an invoice',
      passed: true,
      output: 'Your invoice…',
      work: 'offline_draft' as const,
      checks: [],
      durationMs: 12,
    },
  ],
};
const draft = {
  definition: definition({ name: 'invoice_helper', title: 'Invoice Helper' }),
  contextMd: '# Invoice Helper\n<script>alert(1)</script>',
  moduleSource: null,
  inputSchemaSource: null,
};

async function mountCard(buildId: string) {
  const router = await routerAt('/workforce');
  const wrapper = mountWithPrime(AgentBuildCard, {
    props: { buildId },
    global: { plugins: [router] },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

describe('AgentBuildCard', () => {
  it('should show the checks and send the approval decision when the build awaits approval', async () => {
    const approvalId = uuid();
    const waiting = build({ status: 'awaiting_approval', draft, validation, approvalId });
    const { requests } = mockFetch({
      [`GET /api/agent-builds/${waiting.id}`]: json(waiting),
      [`POST /api/approvals/${approvalId}/decision`]: json(approval({ id: approvalId, status: 'approved' })),
    });
    const wrapper = await mountCard(waiting.id);

    const stages = wrapper
      .findAll('[data-testid="build-stage"]')
      .map((s) => `${s.attributes('data-stage')}:${s.attributes('data-state')}`);
    expect(stages).toEqual([
      'drafting:done',
      'validating:done',
      'awaiting_approval:current',
      'deploying:todo',
      'deployed:todo',
    ]);
    expect(wrapper.get('[data-testid="build-check"]').attributes('data-passed')).toBe('true');
    expect(wrapper.get('[data-testid="build-task"]').text()).toContain('offline draft (not a language model)');
    // The drafted Context.md is rendered sanitised: no live script from a draft.
    expect(wrapper.get('[data-testid="build-draft-context"]').find('script').exists()).toBe(false);

    await wrapper.get('[data-testid="build-approve"]').trigger('click');
    await flushPromises();
    (document.querySelector('[data-testid="confirm-accept"]') as HTMLButtonElement).click();
    await flushPromises();

    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ decision: 'approve' });
    wrapper.unmount();
  });

  it('should follow live updates and link to the new agent once it is deployed', async () => {
    const drafting = build({ status: 'drafting' });
    mockFetch({ [`GET /api/agent-builds/${drafting.id}`]: json(drafting) });
    const wrapper = await mountCard(drafting.id);
    expect(wrapper.get('[data-testid="build-status"]').text()).toContain('Drafting');

    useAgentBuildsStore().applyUpdated({
      ...drafting,
      status: 'deployed',
      draft,
      validation,
      updatedAt: '2026-11-21T10:05:00.000Z',
    });
    await flushPromises();

    expect(wrapper.get('[data-testid="build-agent-link"]').attributes('href')).toBe('/workforce/invoice_helper');
    wrapper.unmount();
  });

  it('should say where a failed build stopped and why', async () => {
    const failed = build({
      status: 'failed',
      draft,
      validation: { ...validation, passed: false },
      error: 'Validation failed on 1 of 2 tasks.',
    });
    mockFetch({ [`GET /api/agent-builds/${failed.id}`]: json(failed) });
    const wrapper = await mountCard(failed.id);
    expect(wrapper.get('[data-stage="validating"]').attributes('data-state')).toBe('stopped');
    expect(wrapper.get('[data-testid="build-status"]').text()).toContain('Failed: Validation failed on 1 of 2 tasks.');
    wrapper.unmount();
  });

  it('should not let a member approve a deployment, saying which role that needs', async () => {
    signInAs('member');
    const waiting = build({ status: 'awaiting_approval', draft, validation, approvalId: uuid() });
    mockFetch({ [`GET /api/agent-builds/${waiting.id}`]: json(waiting) });
    const wrapper = await mountCard(waiting.id);
    for (const testid of ['build-approve', 'build-reject']) {
      expect(wrapper.get(`[data-testid="${testid}"]`).attributes('disabled')).toBeDefined();
      expect(wrapper.get(`[data-testid="${testid}"]`).attributes('title')).toBe('Needs the approver role');
    }
  });
});
