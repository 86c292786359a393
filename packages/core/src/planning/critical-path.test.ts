import { describe, expect, it } from 'vitest';
import { computeCriticalPath } from './critical-path.js';
import { formatDuration, fromMinutes, parseDuration, toMinutes } from './duration.js';
import { makeStep } from './testing.js';

const days = (value: number) => ({ value, unit: 'days' as const });
const weeks = (value: number) => ({ value, unit: 'weeks' as const });
const hours = (value: number) => ({ value, unit: 'hours' as const });

describe('business durations', () => {
  it('should count 8-hour days and 5-day weeks', () => {
    expect(toMinutes(hours(1))).toBe(60);
    expect(toMinutes(days(1))).toBe(480);
    expect(toMinutes(weeks(1))).toBe(2400);
    expect(toMinutes({ value: 30, unit: 'minutes' })).toBe(30);
  });

  it('should display the largest sensible unit rounded to half units', () => {
    expect(fromMinutes(2400 * 6.6)).toEqual(weeks(6.5));
    expect(fromMinutes(2400 * 6.8)).toEqual(weeks(7));
    expect(fromMinutes(480 * 3)).toEqual(days(3));
    expect(fromMinutes(480 * 1.2)).toEqual(days(1));
    expect(fromMinutes(150)).toEqual(hours(2.5));
    expect(fromMinutes(20)).toEqual({ value: 20, unit: 'minutes' });
    expect(formatDuration(weeks(1))).toBe('1 week');
    expect(formatDuration(days(2.5))).toBe('2.5 days');
  });

  it('should read durations people write', () => {
    expect(parseDuration('make it 2 weeks')?.duration).toEqual(weeks(2));
    expect(parseDuration('should take three days')?.duration).toEqual(days(3));
    expect(parseDuration('half a day')?.duration).toEqual(days(0.5));
    expect(parseDuration('a 2-week sprint')?.duration).toEqual(weeks(2));
    expect(parseDuration('in 2 months')?.duration).toEqual(weeks(8));
    expect(parseDuration('about 4 hrs')?.duration).toEqual(hours(4));
    expect(parseDuration('no numbers here')).toBeNull();
  });
});

describe('computeCriticalPath', () => {
  it('should take the longest chain, not the sum', () => {
    const steps = [
      makeStep('research', { estimatedDuration: weeks(1) }),
      makeStep('pricing', { estimatedDuration: days(2) }),
      makeStep('draft', { dependsOn: ['research'], estimatedDuration: days(3) }),
      makeStep('approve', { dependsOn: ['draft', 'pricing'], estimatedDuration: hours(4) }),
    ];
    const cp = computeCriticalPath(steps);
    expect(cp.stepIds).toEqual(['research', 'draft', 'approve']);
    expect(cp.totalMinutes).toBe(2400 + 3 * 480 + 240);
    expect(cp.display).toEqual(weeks(1.5));
  });

  it('should use a subproject own critical path as its duration and list its chain', () => {
    const sub = makeStep('marketing', {
      type: 'subproject',
      estimatedDuration: days(1), // stale: ignored in favour of its steps
      steps: [
        makeStep('a', { estimatedDuration: weeks(2) }),
        makeStep('b', { estimatedDuration: weeks(1) }),
        makeStep('c', { dependsOn: ['a', 'b'], estimatedDuration: weeks(1) }),
      ],
    });
    const steps = [
      makeStep('kickoff', { estimatedDuration: days(2) }),
      sub,
      makeStep('launch', { dependsOn: ['kickoff', 'marketing'], estimatedDuration: days(1) }),
    ];
    const cp = computeCriticalPath(steps);
    expect(cp.stepIds).toEqual(['marketing', 'marketing/a', 'marketing/c', 'launch']);
    expect(cp.totalMinutes).toBe(3 * 2400 + 480);
    expect(cp.display).toEqual(weeks(3));
  });

  it('should break ties in favour of the earlier step', () => {
    const cp = computeCriticalPath([
      makeStep('first'),
      makeStep('second'),
      makeStep('end', { dependsOn: ['first', 'second'] }),
    ]);
    expect(cp.stepIds).toEqual(['first', 'end']);
  });

  it('should return zero for no steps', () => {
    expect(computeCriticalPath([])).toEqual({ stepIds: [], totalMinutes: 0, display: { value: 1, unit: 'minutes' } });
  });
});
