// @vitest-environment jsdom
// jsdom, not happy-dom: this renders sanitised HTML, and DOMPurify does not support happy-dom.
import type { ApprovalInput } from '@orchestrator/contracts';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAgentsStore } from '../../stores/agents';
import { agent, uuid } from '../../testing/factories';
import ApprovalInputs from './ApprovalInputs.vue';

beforeEach(() => setActivePinia(createPinia()));

const input = (overrides: Partial<ApprovalInput> = {}): ApprovalInput => ({
  stepKey: 'budget_plan',
  stepName: 'Draft the launch budget',
  agentName: 'roi_calculator',
  status: 'completed',
  content:
    '## Budget\n\n| Item | EUR |\n|---|---|\n| Ads | 40,000 |\n\nHi <script>alert(1)</script> <img src=x onerror=alert(1)>',
  contentType: 'text/markdown',
  truncated: false,
  sizeBytes: 120,
  ...overrides,
});

describe('ApprovalInputs', () => {
  it('should render each upstream result as sanitised Markdown with the agent’s title', () => {
    useAgentsStore().byName['roi_calculator'] = agent({ name: 'roi_calculator', title: 'ROI Calculator' });
    const wrapper = mount(ApprovalInputs, { props: { inputs: [input()], projectId: uuid(), loading: false } });
    const body = wrapper.get('[data-testid="approval-input-body"]');
    expect(body.get('h2').text()).toBe('Budget');
    expect(body.findAll('td').map((td) => td.text())).toEqual(['Ads', '40,000']);
    expect(body.find('script').exists()).toBe(false);
    expect(body.find('img').exists()).toBe(false);
    expect(body.text()).toContain('<script>alert(1)</script>');
    expect(wrapper.text()).toContain('by ROI Calculator');
    expect(wrapper.find('[data-testid="approval-input-full"]').exists()).toBe(false);
  });

  it('should link to the whole result when only its start is shown', () => {
    const projectId = uuid();
    const wrapper = mount(ApprovalInputs, {
      props: { inputs: [input({ truncated: true, sizeBytes: 3 * 1024 * 1024 })], projectId, loading: false },
    });
    expect(wrapper.text()).toContain('Only the start is shown (the whole result is 3.0 MB).');
    expect(wrapper.get('[data-testid="approval-input-full"]').attributes('href')).toContain(
      `/api/projects/${projectId}/steps/budget_plan/result`,
    );
  });

  it('should say when a step builds on nothing, and when an input has no result yet', () => {
    const none = mount(ApprovalInputs, { props: { inputs: [], projectId: uuid(), loading: false } });
    expect(none.text()).toBe('This step does not build on the results of other steps.');
    const pending = mount(ApprovalInputs, {
      props: {
        inputs: [input({ status: 'running', content: null, sizeBytes: null })],
        projectId: uuid(),
        loading: false,
      },
    });
    expect(pending.text()).toContain('No result yet.');
    expect(pending.text()).toContain('running');
  });
});
