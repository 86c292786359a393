import { MESSAGE_MAX_CHARS } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { mountWithPrime } from '../../testing/mount';
import ChatComposer from './ChatComposer.vue';

function setup(props: { modelValue?: string; sending?: boolean } = {}) {
  const wrapper = mountWithPrime(ChatComposer, {
    props: {
      modelValue: props.modelValue ?? '',
      sending: props.sending ?? false,
      'onUpdate:modelValue': (value: string) => wrapper.setProps({ modelValue: value }),
    },
    attachTo: document.body,
  });
  const input = wrapper.get('[data-testid="composer-input"]');
  const send = wrapper.get('[data-testid="composer-send"]');
  return { wrapper, input, send };
}

describe('ChatComposer', () => {
  it('should send the text when Enter is pressed', async () => {
    const { wrapper, input } = setup();
    await input.setValue('Who reports to the CFO?');
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('submit')).toEqual([['Who reports to the CFO?']]);
  });

  it('should not send when Shift+Enter is pressed', async () => {
    const { wrapper, input } = setup();
    await input.setValue('first line');
    const event = new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, cancelable: true });
    input.element.dispatchEvent(event);
    await wrapper.vm.$nextTick();
    expect(wrapper.emitted('submit')).toBeUndefined();
    // The browser's default (a newline) is left alone.
    expect(event.defaultPrevented).toBe(false);
  });

  it('should send when the Send button is clicked', async () => {
    const { wrapper, input, send } = setup();
    await input.setValue('Plan the offsite');
    await send.trigger('click');
    expect(wrapper.emitted('submit')).toEqual([['Plan the offsite']]);
  });

  it('should refuse an empty or whitespace-only message and say why', async () => {
    const { wrapper, input, send } = setup();
    expect(send.attributes('disabled')).toBeDefined();
    await input.setValue('   \n  ');
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('submit')).toBeUndefined();
    expect(wrapper.text()).toContain('Type a message first.');
    expect(input.attributes('aria-invalid')).toBe('true');
  });

  it('should refuse a message over the limit and show the count', async () => {
    const { wrapper, input, send } = setup();
    await input.setValue('x'.repeat(MESSAGE_MAX_CHARS + 5));
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('submit')).toBeUndefined();
    expect(send.attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="composer-counter"]').text()).toContain('32,005 / 32,000');
    expect(wrapper.text()).toContain('5 characters over');
  });

  it('should accept a message of exactly the limit', async () => {
    const { wrapper, input } = setup();
    await input.setValue('y'.repeat(MESSAGE_MAX_CHARS));
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('submit')).toHaveLength(1);
  });

  it('should show the character count only near the limit', async () => {
    const { wrapper, input } = setup();
    await input.setValue('short');
    expect(wrapper.get('[data-testid="composer-counter"]').text()).toBe('');
    await input.setValue('z'.repeat(MESSAGE_MAX_CHARS - 100));
    expect(wrapper.get('[data-testid="composer-counter"]').text()).toContain('31,900 / 32,000');
  });

  it('should be disabled and not send while a message is being sent', async () => {
    const { wrapper, input, send } = setup({ modelValue: 'waiting', sending: true });
    expect(input.attributes('disabled')).toBeDefined();
    expect(send.attributes('disabled')).toBeDefined();
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('submit')).toBeUndefined();
  });

  it('should have a labelled textarea', () => {
    const { wrapper, input } = setup();
    const id = input.attributes('id');
    expect(id).toBeTruthy();
    expect(wrapper.get(`label[for="${id}"]`).text()).toBe('Message');
  });
});
