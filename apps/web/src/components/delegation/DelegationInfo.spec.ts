import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { delegation } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { signInAs } from '../../testing/identity';
import { mountWithPrime } from '../../testing/mount';
import DelegationInfo from './DelegationInfo.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('member');
});

function mountInfo(info = delegation()) {
  return mountWithPrime(DelegationInfo, { props: { delegation: info }, attachTo: document.body });
}

const stars = (wrapper: ReturnType<typeof mountInfo>) => wrapper.findAll('[data-testid="rating-star"]');
const checked = (wrapper: ReturnType<typeof mountInfo>) =>
  stars(wrapper)
    .filter((s) => s.attributes('aria-checked') === 'true')
    .map((s) => s.attributes('data-value'));

describe('DelegationInfo', () => {
  it('should name the agent, the kind of work and a fallback', () => {
    const wrapper = mountInfo(delegation({ kind: 'offline_draft', fallbackFrom: 'controller' }));
    expect(wrapper.get('[data-testid="delegation-agent"]').text()).toContain('Financial Analyst');
    expect(wrapper.get('[data-testid="delegation-agent"]').text()).toContain('financial_analyst');
    expect(wrapper.get('[data-testid="delegation-kind"]').text()).toBe('Offline draft');
    expect(wrapper.get('[data-testid="delegation-fallback"]').text()).toContain('First routed to Controller');
  });

  it('should reveal the candidate scores when asked why this agent', async () => {
    const wrapper = mountInfo();
    const why = wrapper.get('[data-testid="delegation-why"]');
    expect(why.attributes('aria-expanded')).toBe('false');
    await why.trigger('click');
    expect(why.attributes('aria-expanded')).toBe('true');
    const rows = wrapper
      .findAll('[data-testid="delegation-candidate"]')
      .map((r) => r.findAll('th, td').map((c) => c.text()));
    expect(rows).toEqual([
      ['Financial Analyst (chosen)', '92%', '1/3', 'Yes'],
      ['Controller', '61%', '2/2', 'No'],
    ]);
  });

  it('should post a clicked rating and show the saved value', async () => {
    const info = delegation();
    const { requests } = mockFetch({
      [`POST /api/delegations/${info.id}/rating`]: ({ body }) => ({ body: { ...info, ...(body as object) } }),
    });
    const wrapper = mountInfo(info);
    const group = wrapper.get('[data-testid="delegation-rating"]');
    expect(group.attributes('role')).toBe('radiogroup');
    expect(checked(wrapper)).toEqual([]);

    await stars(wrapper)[3]?.trigger('click');
    await flushPromises();

    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `/api/delegations/${info.id}/rating`, { rating: 4 }],
    ]);
    expect(checked(wrapper)).toEqual(['4']);
    expect(wrapper.get('[data-testid="rating-status"]').text()).toBe('Saved: 4/5 for Financial Analyst');
  });

  it('should change the rating with the arrow keys and keep one tab stop on the checked star', async () => {
    const info = delegation({ rating: 3 });
    const { requests } = mockFetch({
      [`POST /api/delegations/${info.id}/rating`]: ({ body }) => ({ body: { ...info, ...(body as object) } }),
    });
    const wrapper = mountInfo(info);
    expect(checked(wrapper)).toEqual(['3']);
    expect(stars(wrapper).map((s) => s.attributes('tabindex'))).toEqual(['-1', '-1', '0', '-1', '-1']);

    await stars(wrapper)[2]?.trigger('keydown', { key: 'ArrowRight' });
    await flushPromises();
    expect(checked(wrapper)).toEqual(['4']);
    expect(document.activeElement?.getAttribute('data-value')).toBe('4');
    expect(stars(wrapper).map((s) => s.attributes('tabindex'))).toEqual(['-1', '-1', '-1', '0', '-1']);

    await stars(wrapper)[3]?.trigger('keydown', { key: 'Home' });
    await flushPromises();
    expect(checked(wrapper)).toEqual(['1']);
    expect(requests.map((r) => r.body)).toEqual([{ rating: 4 }, { rating: 1 }]);
    expect(wrapper.get('[data-testid="rating-status"]').text()).toContain('Saved: 1/5');
  });

  it('should send only the latest pick when the rating changes while one is saving', async () => {
    const info = delegation();
    let release: () => void = () => undefined;
    const { requests } = mockFetch({
      [`POST /api/delegations/${info.id}/rating`]: async ({ body }) => {
        if (requests.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return { body: { ...info, ...(body as object) } };
      },
    });
    const wrapper = mountInfo(info);
    await stars(wrapper)[1]?.trigger('click');
    await stars(wrapper)[2]?.trigger('click');
    await stars(wrapper)[4]?.trigger('click');
    expect(checked(wrapper)).toEqual(['5']);
    release();
    await flushPromises();
    expect(requests.map((r) => r.body)).toEqual([{ rating: 2 }, { rating: 5 }]);
    expect(wrapper.get('[data-testid="rating-status"]').text()).toContain('Saved: 5/5');
  });

  it('should show the error and the saved rating again when saving fails', async () => {
    const info = delegation({ rating: 2 });
    mockFetch({
      [`POST /api/delegations/${info.id}/rating`]: json(
        { error: { code: 'delegation/not_found', message: 'Delegation not found.' } },
        404,
      ),
    });
    const wrapper = mountInfo(info);
    await stars(wrapper)[4]?.trigger('click');
    await flushPromises();
    expect(checked(wrapper)).toEqual(['2']);
    expect(wrapper.get('[data-testid="rating-status"]').text()).toBe('Not saved: Delegation not found.');
  });

  it('should show the rating to a viewer without letting them change it, saying why', async () => {
    signInAs('viewer');
    const info = delegation({ rating: 4 });
    const { requests } = mockFetch({});
    const wrapper = mountInfo(info);
    expect(checked(wrapper)).toEqual(['4']);
    for (const star of stars(wrapper)) {
      expect(star.attributes('disabled')).toBeDefined();
      expect(star.attributes('title')).toBe('Needs the member role');
    }
    await stars(wrapper)[1]?.trigger('click');
    await stars(wrapper)[3]?.trigger('keydown', { key: 'ArrowRight' });
    await flushPromises();
    expect(requests).toEqual([]);
    expect(checked(wrapper)).toEqual(['4']);
    expect(wrapper.get('[data-testid="rating-denied"]').text()).toBe('Needs the member role to rate answers.');
  });
});
