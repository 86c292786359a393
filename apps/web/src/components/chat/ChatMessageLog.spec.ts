// @vitest-environment jsdom
// jsdom, not happy-dom: the messages render sanitised HTML, and DOMPurify does not support happy-dom.
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../stores/timeline';
import { timelineItem } from '../../testing/factories';
import { signInAs } from '../../testing/identity';
import { mountWithPrime } from '../../testing/mount';
import ChatMessageLog from './ChatMessageLog.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('member');
});

/** Message `key`, its key in the content. */
const item = (key: string, overrides: Partial<TimelineItem> = {}): TimelineItem =>
  timelineItem({ key, content: `Message ${key}`, ...overrides });

/** jsdom has no layout: the log is given a height and a content height to scroll through. */
function layout(el: HTMLElement, box: { scrollHeight: number; clientHeight: number }): void {
  Object.defineProperty(el, 'scrollHeight', { configurable: true, get: () => box.scrollHeight });
  Object.defineProperty(el, 'clientHeight', { configurable: true, get: () => box.clientHeight });
}

async function mountLog(items: TimelineItem[]) {
  const wrapper = mountWithPrime(ChatMessageLog, {
    props: { items, waiting: false, label: 'Messages in Launch' },
    attachTo: document.body,
  });
  const log = wrapper.get('[data-testid="chat-log"]').element as HTMLElement;
  const box = { scrollHeight: 3000, clientHeight: 600 };
  layout(log, box);
  await wrapper.setProps({ label: 'Messages in Launch plan' }); // opening the conversation: start at the end
  await flushPromises();
  return { wrapper, log, box };
}

/** The person scrolls to `top` (a scroll the log did not make itself). */
async function scrollTo(log: HTMLElement, top: number): Promise<void> {
  log.scrollTop = top;
  log.dispatchEvent(new Event('scroll'));
  await flushPromises();
}

describe('ChatMessageLog', () => {
  it('should follow new messages when the person is at the end of the log', async () => {
    const { wrapper, log, box } = await mountLog([item('a'), item('b')]);
    expect(log.scrollTop).toBe(2400);
    box.scrollHeight = 3800;
    await wrapper.setProps({ items: [item('a'), item('b'), item('c')] });
    await flushPromises();
    expect(log.scrollTop).toBe(3200);
    expect(wrapper.find('[data-testid="chat-jump"]').exists()).toBe(false);
  });

  it('should stay put and offer a jump to the new messages when the person has scrolled up', async () => {
    const { wrapper, log, box } = await mountLog([item('a'), item('b')]);
    await scrollTo(log, 500);
    box.scrollHeight = 3800;
    await wrapper.setProps({ items: [item('a'), item('b'), item('c'), item('d')] });
    await flushPromises();
    expect(log.scrollTop).toBe(500);
    const jump = wrapper.get('[data-testid="chat-jump"]');
    expect(jump.text()).toBe('2 new messages');

    await jump.trigger('click');
    await flushPromises();
    expect(log.scrollTop).toBe(3200);
    expect(wrapper.find('[data-testid="chat-jump"]').exists()).toBe(false);
  });

  it('should follow again when the person sends a message while scrolled up', async () => {
    const { wrapper, log, box } = await mountLog([item('a')]);
    await scrollTo(log, 100);
    box.scrollHeight = 3300;
    await wrapper.setProps({ items: [item('a'), item('mine', { role: 'user', state: 'pending', createdAt: null })] });
    await flushPromises();
    expect(log.scrollTop).toBe(2700);
  });

  it('should follow again once the person scrolls back to the end', async () => {
    const { wrapper, log, box } = await mountLog([item('a')]);
    await scrollTo(log, 100);
    await scrollTo(log, 2390);
    box.scrollHeight = 3500;
    await wrapper.setProps({ items: [item('a'), item('b')] });
    await flushPromises();
    expect(log.scrollTop).toBe(2900);
  });
});
