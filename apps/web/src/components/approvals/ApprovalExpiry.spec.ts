import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { mountWithPrime } from '../../testing/mount';
import ApprovalExpiry from './ApprovalExpiry.vue';

const NOW = new Date('2026-11-20T10:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

let unmount: (() => void) | null = null;
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  unmount?.();
  unmount = null;
  vi.useRealTimers();
});

function mountExpiry(props: InstanceType<typeof ApprovalExpiry>['$props']) {
  const wrapper = mountWithPrime(ApprovalExpiry, { props });
  unmount = () => wrapper.unmount();
  return wrapper;
}

describe('ApprovalExpiry', () => {
  it('should count down every second and flip to "expired" when the time is up', async () => {
    const wrapper = mountExpiry({ expiresAt: later(62_000), status: 'pending' });
    const expiry = () => wrapper.get('[data-testid="approval-expiry"]');
    expect(expiry().text()).toBe('1m 02s');
    expect(expiry().attributes('data-expired')).toBe('false');
    expect(expiry().classes()).toContain('approval-expiry--soon');

    vi.advanceTimersByTime(1_000);
    await nextTick();
    expect(expiry().text()).toBe('1m 01s');

    vi.advanceTimersByTime(61_000);
    await nextTick();
    expect(expiry().text()).toBe('expired');
    expect(expiry().attributes('data-expired')).toBe('true');
  });

  it('should show days and hours for far-off expiries and a dash when there is none', () => {
    expect(mountExpiry({ expiresAt: later(2 * 86_400_000 + 3 * 3_600_000), status: 'pending' }).text()).toBe('2d 03h');
    unmount?.();
    expect(mountExpiry({ expiresAt: null, status: 'pending' }).text()).toBe('—');
  });

  it('should say "expired" for an expired approval and nothing for a decided one', () => {
    expect(mountExpiry({ expiresAt: later(60_000), status: 'expired' }).text()).toBe('expired');
    unmount?.();
    expect(mountExpiry({ expiresAt: later(60_000), status: 'approved' }).text()).toBe('—');
  });
});
