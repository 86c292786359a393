import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { json, mockFetch } from '../../testing/fetchMock';
import { mountWithPrime } from '../../testing/mount';
import { diffPanesDrawn } from '../../testing/diffPanes';
import { useWorkforceStore } from '../../stores/workforce';
import AgentContextTab from './AgentContextTab.vue';
import { agentDetail, conflict } from './testData';
import { signInAs } from '../../testing/identity';

// Role-aware controls need a role: these tests act as an admin.
beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});

const AGENT = '/api/agents/blog_post_writer';

/** CodeMirror needs real layout; a textarea with the same v-model stands in for it here. */
const EditorStub = defineComponent({
  props: {
    modelValue: { type: String, required: true },
    label: { type: String, required: true },
    readonly: { type: Boolean, default: false },
  },
  emits: ['update:modelValue'],
  setup(props, { emit }) {
    return () =>
      h('textarea', {
        'data-testid': 'editor-stub',
        'aria-label': props.label,
        readonly: props.readonly,
        value: props.modelValue,
        onInput: (e: Event) => emit('update:modelValue', (e.target as HTMLTextAreaElement).value),
      });
  },
});

async function mountTab() {
  const store = useWorkforceStore();
  await store.loadAgent('blog_post_writer');
  const wrapper = mountWithPrime(AgentContextTab, {
    props: { agent: store.details['blog_post_writer']! },
    global: { stubs: { ContextEditor: EditorStub } },
  });
  // Follow the store like the detail panel does.
  store.$subscribe(() => void wrapper.setProps({ agent: store.details['blog_post_writer']! }));
  return { wrapper, store };
}

describe('AgentContextTab', () => {
  it('should save the edited text on top of the loaded version with the change note', async () => {
    const { requests } = mockFetch({
      [`GET ${AGENT}`]: json(agentDetail()),
      [`GET ${AGENT}/versions`]: json({ versions: [], nextCursor: null }),
      [`PUT ${AGENT}/context`]: (r) => ({
        body: agentDetail({ version: 4, contextMd: (r.body as { contextMd: string }).contextMd }),
      }),
    });
    const { wrapper } = await mountTab();
    expect(wrapper.get('[data-testid="context-save"]').attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="editor-stub"]').setValue('# New text');
    await wrapper.get('[data-testid="context-save-message"]').setValue('Shorter');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(requests.find((r) => r.method === 'PUT')?.body).toEqual({
      contextMd: '# New text',
      baseVersion: 3,
      message: 'Shorter',
    });
    expect(wrapper.get('[data-testid="context-saved"]').text()).toContain('version 4');
  });

  it('should show who saved meanwhile and keep the text when the save conflicts, then keep a copy after loading theirs', async () => {
    let served = agentDetail();
    mockFetch({
      [`GET ${AGENT}`]: () => ({ body: served }),
      [`GET ${AGENT}/versions`]: json({ versions: [], nextCursor: null }),
      [`PUT ${AGENT}/context`]: json(
        { error: { code: 'agent/version_conflict', message: 'Saved meanwhile.', details: conflict() } },
        409,
      ),
    });
    const { wrapper } = await mountTab();
    await wrapper.get('[data-testid="editor-stub"]').setValue('My unsaved words');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    await diffPanesDrawn();
    const panel = wrapper.get('[data-testid="agent-conflict"]');
    expect(panel.get('[data-testid="agent-conflict-summary"]').text()).toContain('sarah@example.com saved version 4');
    expect(panel.findAll('.cm-merge-b .cm-changedLine').map((l) => l.text())).toContain('Write tightly.');
    expect((panel.get('[data-testid="agent-conflict-mine"]').element as HTMLTextAreaElement).value).toBe(
      'My unsaved words',
    );
    expect((wrapper.get('[data-testid="editor-stub"]').element as HTMLTextAreaElement).value).toBe('My unsaved words');

    served = agentDetail({ version: 4, contextMd: 'Their words' });
    await panel.get('[data-testid="conflict-take-theirs"]').trigger('click');
    await flushPromises();

    expect(wrapper.find('[data-testid="agent-conflict"]').exists()).toBe(false);
    expect((wrapper.get('[data-testid="editor-stub"]').element as HTMLTextAreaElement).value).toBe('Their words');
    expect((wrapper.get('[data-testid="context-kept-copy"] textarea').element as HTMLTextAreaElement).value).toBe(
      'My unsaved words',
    );
    expect(wrapper.get('[data-testid="context-base-version"]').text()).toBe('4');
  });

  it('should show Context.md read-only to whoever is not an admin, with no way to save', async () => {
    signInAs('approver');
    const { requests } = mockFetch({ [`GET ${AGENT}`]: json(agentDetail()) });
    const { wrapper } = await mountTab();
    expect(wrapper.get('[data-testid="editor-stub"]').attributes('readonly')).toBeDefined();
    expect(wrapper.find('[data-testid="context-save"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="context-read-only"]').text()).toBe(
      'Needs the admin role to edit Context.md; you can read it here.',
    );
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
