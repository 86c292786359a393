import { describe, expect, it } from 'vitest';
import { diffPanesDrawn } from '../../testing/diffPanes';
import { mountWithPrime } from '../../testing/mount';
import AgentDiffView from './AgentDiffView.vue';
import { gapLine, sidesOfUnifiedDiff } from './diff';

const DIFF = '--- a/Context.md\n+++ b/Context.md\n@@ -1,2 +1,3 @@\n same\n-old line\n+new line\n+another\n';

describe('sidesOfUnifiedDiff', () => {
  it('should rebuild the old and the new text when given a unified diff', () => {
    expect(sidesOfUnifiedDiff(DIFF)).toEqual({ before: 'same\nold line\n', after: 'same\nnew line\nanother\n' });
  });

  it('should mark the lines a diff leaves out on both sides when hunks start later in the file', () => {
    const diff = '@@ -10,2 +10,2 @@\n keep\n-a\n+b\n@@ -40,1 +40,1 @@\n-c\n+d\n';
    const { before, after } = sidesOfUnifiedDiff(diff);
    expect(before.split('\n')).toEqual([gapLine(9), 'keep', 'a', gapLine(28), 'c', '']);
    expect(after.split('\n')).toEqual([gapLine(9), 'keep', 'b', gapLine(28), 'd', '']);
  });

  it('should treat a removed Markdown rule as a removed line when it looks like a file header', () => {
    expect(sidesOfUnifiedDiff('@@ -1,1 +1,1 @@\n----\n+***\n')).toEqual({ before: '---\n', after: '***\n' });
  });

  it('should start an added file at its first line when the old file was empty', () => {
    expect(sidesOfUnifiedDiff('@@ -0,0 +1,2 @@\n+one\n+two\n')).toEqual({ before: '', after: 'one\ntwo\n' });
  });
});

describe('AgentDiffView', () => {
  it('should show the old and new text in two read-only CodeMirror panes and count the changes', async () => {
    const wrapper = mountWithPrime(AgentDiffView, {
      props: { label: 'Context.md', diff: DIFF },
      attachTo: document.body,
    });
    await diffPanesDrawn();
    const panes = wrapper.findAll('.cm-mergeView .cm-editor');
    expect(panes).toHaveLength(2);
    expect(panes[0]!.get('.cm-content').text()).toContain('old line');
    expect(panes[1]!.get('.cm-content').text()).toContain('new line');
    for (const pane of panes) expect(pane.get('.cm-content').attributes('contenteditable')).toBe('false');
    expect(wrapper.text()).toContain('+2');
    expect(wrapper.text()).toContain('−1');
    wrapper.unmount();
  });

  it('should show markup in a diff as text when a line contains HTML', async () => {
    const wrapper = mountWithPrime(AgentDiffView, {
      props: { label: 'x', diff: '@@ -0,0 +1 @@\n+<img src=x onerror="alert(1)">\n' },
      attachTo: document.body,
    });
    await diffPanesDrawn();
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.findAll('.cm-editor')[1]!.get('.cm-content').text()).toContain('<img src=x onerror="alert(1)">');
    wrapper.unmount();
  });

  it('should say there are no changes when the diff is empty', () => {
    const wrapper = mountWithPrime(AgentDiffView, { props: { label: 'x', diff: '' } });
    expect(wrapper.text()).toContain('No changes.');
    expect(wrapper.find('.cm-editor').exists()).toBe(false);
  });
});
