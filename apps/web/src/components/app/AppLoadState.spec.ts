import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { mountWithPrime } from '../../testing/mount';
import AppLoadState from './AppLoadState.vue';

const texts = { loadingText: 'Loading members…', errorText: 'Could not load the members', testid: 'members-error' };

describe('AppLoadState', () => {
  it('should show placeholder rows and say what is loading when nothing is there yet', () => {
    const wrapper = mountWithPrime(AppLoadState, { props: { ...texts, loading: true, error: null, rows: 3 } });
    expect(wrapper.get('[aria-busy="true"] [role="status"]').text()).toBe('Loading members…');
    expect(wrapper.findAll('.p-skeleton')).toHaveLength(3);
    expect(wrapper.find('[data-testid="members-error"]').exists()).toBe(false);
  });

  it('should show the error with a retry when the load failed', async () => {
    const error = new ApiError({ code: 'http/server_error', message: 'Boom.', status: 500 });
    const wrapper = mountWithPrime(AppLoadState, { props: { ...texts, loading: false, error } });
    expect(wrapper.find('[aria-busy="true"]').exists()).toBe(false);
    const message = wrapper.get('[data-testid="members-error"]');
    expect(message.text()).toContain('Could not load the members: Boom.');
    await message.get('button').trigger('click');
    expect(wrapper.emitted('retry')).toHaveLength(1);
  });
});
