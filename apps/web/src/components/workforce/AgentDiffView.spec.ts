import { describe, expect, it } from 'vitest';
import { mountWithPrime } from '../../testing/mount';
import AgentDiffView from './AgentDiffView.vue';

describe('AgentDiffView', () => {
  it('should colour added and removed lines and count them', () => {
    const wrapper = mountWithPrime(AgentDiffView, {
      props: {
        label: 'Context.md',
        diff: '--- a/Context.md\n+++ b/Context.md\n@@ -1,2 +1,2 @@\n same\n-old line\n+new line\n+another\n',
      },
    });
    const kinds = wrapper.findAll('.agent-diff__line').map((line) => line.attributes('data-kind'));
    expect(kinds).toEqual(['header', 'header', 'hunk', 'context', 'removed', 'added', 'added']);
    expect(wrapper.text()).toContain('+2');
    expect(wrapper.text()).toContain('−1');
  });

  it('should show markup in a diff as text when a line contains HTML', () => {
    const wrapper = mountWithPrime(AgentDiffView, { props: { label: 'x', diff: '+<img src=x onerror="alert(1)">\n' } });
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.get('.agent-diff__line--added').text()).toBe('+<img src=x onerror="alert(1)">');
  });

  it('should say there are no changes when the diff is empty', () => {
    const wrapper = mountWithPrime(AgentDiffView, { props: { label: 'x', diff: '' } });
    expect(wrapper.text()).toContain('No changes.');
  });
});
