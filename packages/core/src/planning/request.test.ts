import { describe, expect, it } from 'vitest';
import { MINUTES_PER_DAY, MINUTES_PER_WEEK } from './duration.js';
import { findMarket, parseDeadline } from './request.js';

describe('parseDeadline', () => {
  it('should read relative deadlines in business time', () => {
    expect(parseDeadline('launch it in 6 weeks')).toEqual({ label: 'in 6 weeks', minutes: 6 * MINUTES_PER_WEEK });
    expect(parseDeadline('within 10 working days')).toEqual({
      label: 'within 10 working days',
      minutes: 10 * MINUTES_PER_DAY,
    });
    expect(parseDeadline('launch next quarter')).toEqual({ label: 'next quarter', minutes: 13 * MINUTES_PER_WEEK });
  });

  it('should count working days to a date when today is known', () => {
    const monday = new Date('2025-02-03T09:00:00Z');
    // Tuesday 4 to Friday 28 February: 19 working days.
    expect(parseDeadline('by March', monday)).toEqual({ label: 'by March', minutes: 19 * MINUTES_PER_DAY });
    expect(parseDeadline('by the end of March', monday)).toEqual({
      label: 'by the end of March',
      minutes: 40 * MINUTES_PER_DAY,
    });
    // Next quarter ends on 30 June: 105 working days from 4 February.
    expect(parseDeadline('next quarter', monday)!.minutes).toBe(105 * MINUTES_PER_DAY);
    expect(parseDeadline('by March')).toEqual({ label: 'by March', minutes: null });
  });

  it('should find nothing in a request without a deadline', () => {
    expect(parseDeadline('Plan the launch of our product')).toBeNull();
  });
});

describe('findMarket', () => {
  it('should know which markets need localisation', () => {
    expect(findMarket('launch in Germany')).toEqual({ name: 'Germany', language: 'German', needsLocalization: true });
    expect(findMarket('our French market push')).toMatchObject({ name: 'France', needsLocalization: true });
    expect(findMarket('expand to the UK')).toMatchObject({ name: 'the UK', needsLocalization: false });
    expect(findMarket('let us know')).toBeNull();
  });
});
