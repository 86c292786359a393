import { describe, expect, it } from 'vitest';
import { plan, planStep } from '../testing/factories';
import { formatMinutes, groupPlan, orderSteps, statusLook, stepLayers } from './plan';

const ids = (steps: { id: string }[]) => steps.map((s) => s.id);

describe('plan utils', () => {
  it('should order steps after their dependencies and otherwise keep the plan order', () => {
    const steps = [
      planStep({ id: 'launch', dependsOn: ['budget', 'forecast'] }),
      planStep({ id: 'budget', dependsOn: ['research'] }),
      planStep({ id: 'research' }),
      planStep({ id: 'forecast', dependsOn: ['research'] }),
    ];
    expect(ids(orderSteps(steps))).toEqual(['research', 'budget', 'forecast', 'launch']);
    expect(Object.fromEntries(stepLayers(steps))).toEqual({ research: 0, budget: 1, forecast: 1, launch: 2 });
  });

  it('should keep steps of a cycle or with an unknown dependency instead of dropping them', () => {
    const steps = [
      planStep({ id: 'a', dependsOn: ['b'] }),
      planStep({ id: 'b', dependsOn: ['a'] }),
      planStep({ id: 'c', dependsOn: ['zzz'] }),
    ];
    expect(ids(orderSteps(steps))).toEqual(['c', 'a', 'b']);
  });

  it('should group nested subprojects under their department after the top level', () => {
    const grouped = groupPlan(
      plan({
        department: 'marketing',
        steps: [
          planStep({ id: 'kickoff' }),
          planStep({
            id: 'fin',
            name: 'Financial plan',
            type: 'subproject',
            department: 'finance',
            dependsOn: ['kickoff'],
            steps: [
              planStep({
                id: 'tax',
                type: 'subproject',
                department: 'legal',
                name: 'Tax review',
                steps: [planStep({ id: 'vat' })],
              }),
              planStep({ id: 'forecast' }),
            ],
          }),
        ],
      }),
    );
    expect(grouped.map((g) => [g.id, g.title, ids(g.steps)])).toEqual([
      ['main', 'Marketing', ['kickoff', 'fin']],
      ['fin', 'Finance — Financial plan', ['tax', 'forecast']],
      ['tax', 'Legal — Tax review', ['vat']],
    ]);
  });

  it('should format minutes on the business calendar (8-hour days, 5-day weeks)', () => {
    expect(formatMinutes(9 * 2400)).toBe('9 weeks');
    expect(formatMinutes(2400)).toBe('1 week');
    expect(formatMinutes(3 * 480)).toBe('3 days');
    expect(formatMinutes(720)).toBe('1.5 days');
    expect(formatMinutes(90)).toBe('1.5 hours');
    expect(formatMinutes(20)).toBe('20 minutes');
  });

  it('should label a plan awaiting approval by whether it was approved', () => {
    expect(statusLook('awaiting_plan_approval', null).label).toBe('Awaiting approval');
    expect(statusLook('awaiting_plan_approval', '2026-11-20T10:00:00.000Z').label).toBe('Approved');
  });
});
