import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { projectStep } from '../../testing/factories';
import { mountWithPrime } from '../../testing/mount';
import StepGraph from './StepGraph.vue';

// Vue Flow under happy-dom: slower to mount on a busy machine.
vi.setConfig({ testTimeout: 20_000 });
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

const LONG = 'Security and technical risk review of the preferred vendor';
const steps = [
  projectStep({ stepKey: 'research', name: 'Market research', status: 'completed' }),
  projectStep({ stepKey: 'risk', name: LONG, status: 'failed', dependencies: ['research'], attempt: 2 }),
  projectStep({ stepKey: 'roi', name: 'Business case and ROI', status: 'completed', dependencies: ['research'] }),
  projectStep({ stepKey: 'budget', name: 'Launch budget', status: 'pending', dependencies: ['risk', 'roi'] }),
];

async function mountGraph() {
  const wrapper = mountWithPrime(StepGraph, {
    props: { steps, keys: new Set(steps.map((s) => s.stepKey)), selectedKey: null, label: 'Steps' },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

const node = (wrapper: Awaited<ReturnType<typeof mountGraph>>, key: string) =>
  wrapper.get(`[data-testid="step-node"][data-step-key="${key}"]`);

describe('StepGraph', () => {
  it('should name every status shown in a legend and offer to show the failed step', async () => {
    const wrapper = await mountGraph();
    expect(wrapper.findAll('[data-testid="step-legend"] li').map((li) => li.text())).toEqual([
      'Pending',
      'Completed',
      'Failed',
    ]);
    expect(wrapper.get('[data-testid="step-graph-attention"]').text()).toBe('Show the failed step');
    expect(wrapper.find('[data-testid="step-graph-show-all"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="step-zoom-in"]').attributes('aria-label')).toBe('Zoom in');
  });

  it('should show whole names, with the status in the accessible name', async () => {
    const wrapper = await mountGraph();
    expect(node(wrapper, 'risk').get('.step-node__name').text()).toBe(LONG);
    expect(node(wrapper, 'risk').attributes('aria-label')).toBe(`${LONG}: Failed, try 2`);
    expect(node(wrapper, 'risk').text()).toContain('Failed · try 2');
  });

  it('should make the failed step the tab stop, move with the arrow keys and open a step with Enter', async () => {
    const wrapper = await mountGraph();
    expect(
      wrapper.findAll('[data-testid="step-node"][tabindex="0"]').map((n) => n.attributes('data-step-key')),
    ).toEqual(['risk']);
    await node(wrapper, 'risk').trigger('keydown', { key: 'ArrowLeft' });
    await flushPromises();
    expect(document.activeElement?.getAttribute('data-step-key')).toBe('research');
    await node(wrapper, 'research').trigger('keydown', { key: 'End' });
    await flushPromises();
    expect(document.activeElement?.getAttribute('data-step-key')).toBe('budget');
    await node(wrapper, 'budget').trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('select')).toEqual([['budget']]);
    await node(wrapper, 'roi').trigger('click');
    expect(wrapper.emitted('select')?.at(-1)).toEqual(['roi']);
  });
});
