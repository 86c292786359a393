import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { planStep } from '../../testing/factories';
import PlanDag from './PlanDag.vue';

const LONG = 'Security and technical risk review of the preferred vendor';
// One step, then four in parallel, then one: three columns, 532 px wide left to right.
const steps = [
  planStep({ id: 'a', name: 'Requirements' }),
  ...['b', 'c', 'd', 'e'].map((id) => planStep({ id, name: id === 'c' ? LONG : `Step ${id}`, dependsOn: ['a'] })),
  planStep({ id: 'f', name: 'Spend approval', dependsOn: ['b', 'c', 'd', 'e'] }),
];

/** happy-dom has no layout: the graph is given the room a phone leaves it. */
function roomOf(width: number): void {
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(width);
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe(): void {}
      disconnect(): void {}
    },
  );
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const names = (wrapper: ReturnType<typeof mount>) =>
  wrapper.findAll('.plan-dag__node text').map((t) =>
    t
      .findAll('tspan')
      .map((l) => l.text())
      .join(' '),
  );

describe('PlanDag', () => {
  it('should draw whole names, wrapped, left to right when there is room', async () => {
    roomOf(1200);
    const wrapper = mount(PlanDag, { props: { steps, critical: new Set(['a', 'c', 'f']), label: 'Graph' } });
    await nextTick();
    expect(names(wrapper)).toContain(LONG);
    expect(Number(wrapper.get('svg').attributes('width'))).toBe(532);
    expect(wrapper.findAll('.plan-dag__edge')).toHaveLength(8);
    expect(wrapper.findAll('.plan-dag__edge--critical')).toHaveLength(2);
  });

  it('should draw top to bottom, no wider than its room, on a phone', async () => {
    roomOf(320);
    const wrapper = mount(PlanDag, { props: { steps, critical: new Set<string>(), label: 'Graph' } });
    await nextTick();
    expect(Number(wrapper.get('svg').attributes('width'))).toBeLessThanOrEqual(320);
    expect(names(wrapper)).toContain(LONG);
    expect(wrapper.findAll('.plan-dag__edge')).toHaveLength(8);
  });
});
