import { flushPromises } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { mountWithPrime } from '../../testing/mount';
import AgentDiffView from './AgentDiffView.vue';

// The merge view's code cannot be fetched (offline, or a release replaced its file).
vi.mock('@codemirror/merge', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

describe('AgentDiffView without its editor code', () => {
  it('should say the changes could not be shown and keep the counts when CodeMirror fails to load', async () => {
    const wrapper = mountWithPrime(AgentDiffView, {
      props: { label: 'Context.md', diff: '@@ -1 +1 @@\n-old line\n+new line\n' },
      attachTo: document.body,
    });
    await vi.waitFor(() => expect(wrapper.find('[data-testid="agent-diff-failed"]').exists()).toBe(true));
    await flushPromises();
    expect(wrapper.get('[data-testid="agent-diff-failed"]').text()).toContain('could not be shown');
    expect(wrapper.get('[data-testid="agent-diff-body"]').isVisible()).toBe(false);
    expect(wrapper.text()).toContain('+1');
    expect(wrapper.text()).toContain('−1');
    wrapper.unmount();
  });
});
