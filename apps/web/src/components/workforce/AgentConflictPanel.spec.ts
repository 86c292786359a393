import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { signInAs } from '../../testing/identity';
import { mountWithPrime } from '../../testing/mount';
import AgentConflictPanel from './AgentConflictPanel.vue';
import { conflict } from './testData';

beforeEach(() => setActivePinia(createPinia()));

const pending = { conflict: conflict(), mine: { kind: 'context', contextMd: '# Mine\n', message: '' } } as const;

describe('AgentConflictPanel', () => {
  it('should offer an admin to save their text over the newer version', async () => {
    signInAs('admin');
    const wrapper = mountWithPrime(AgentConflictPanel, { props: { pending } });
    const overwrite = wrapper.get('[data-testid="conflict-overwrite"]');
    expect(overwrite.attributes('disabled')).toBeUndefined();
    await overwrite.trigger('click');
    expect(wrapper.emitted('overwrite')).toHaveLength(1);
  });

  it('should keep the overwrite from someone who is no longer an admin, saying why', async () => {
    signInAs('member');
    const wrapper = mountWithPrime(AgentConflictPanel, { props: { pending } });
    const overwrite = wrapper.get('[data-testid="conflict-overwrite"]');
    expect(overwrite.attributes('disabled')).toBeDefined();
    expect(overwrite.attributes('title')).toBe('Needs the admin role');
    await overwrite.trigger('click');
    expect(wrapper.emitted('overwrite')).toBeUndefined();
    expect(wrapper.get('[data-testid="conflict-take-theirs"]').attributes('disabled')).toBeUndefined();
  });
});
