import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DatabaseAvailability } from './availability.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('DatabaseAvailability', () => {
  let up: boolean;
  let probes: number;
  let availability: DatabaseAvailability;

  beforeEach(() => {
    vi.useFakeTimers();
    up = false;
    probes = 0;
    availability = new DatabaseAvailability(
      async () => {
        probes++;
        if (!up) throw refused();
      },
      pino({ level: 'silent' }),
    );
  });
  afterEach(() => {
    availability.close();
    vi.useRealTimers();
  });

  it('should be unavailable at once when lost, and available again with listeners told once a probe succeeds', async () => {
    const recovered = vi.fn();
    availability.onRecovered(recovered);
    availability.lost('embedded Postgres exited (signal SIGKILL)');
    expect(availability.available).toBe(false);
    expect(availability.reason).toBe('embedded Postgres exited (signal SIGKILL)');

    await vi.advanceTimersByTimeAsync(5_000);
    expect(probes).toBeGreaterThan(1);
    expect(recovered).not.toHaveBeenCalled();

    up = true;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(availability.available).toBe(true);
    expect(recovered).toHaveBeenCalledTimes(1);
  });

  it('should count an outage once when it is reported many times', async () => {
    const recovered = vi.fn();
    availability.onRecovered(recovered);
    for (let i = 0; i < 5; i++) expect(availability.report(refused())).toBe(true);
    up = true;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(recovered).toHaveBeenCalledTimes(1);
  });

  it('should stay available when the reported error is a statement the database refused', () => {
    const duplicate = Object.assign(new Error('duplicate key value'), { code: '23505' });
    expect(availability.report(duplicate)).toBe(false);
    expect(availability.available).toBe(true);
  });

  it('should tell every listener when one of them fails', async () => {
    const second = vi.fn();
    availability.onRecovered(() => Promise.reject(new Error('no')));
    availability.onRecovered(second);
    availability.lost('gone');
    up = true;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('should stop probing when closed', async () => {
    availability.lost('gone');
    availability.close();
    const before = probes;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probes).toBe(before);
  });
});
