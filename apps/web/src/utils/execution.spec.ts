import { PROJECT_STATUSES, STEP_STATUSES, type ProjectStatus } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { projectError, projectStep } from '../testing/factories';
import {
  businessEnd,
  canControl,
  canRollback,
  formatBytes,
  groupRunSteps,
  progressOf,
  PROJECT_CONTROLS,
  recoverableSteps,
  resolveDependencies,
  STEP_STATUS_LOOK,
} from './execution';

describe('execution utils', () => {
  it('should allow only the controls the lifecycle allows from each status', () => {
    const allowed = (status: ProjectStatus) => PROJECT_CONTROLS.filter((c) => canControl(status, c));
    expect(Object.fromEntries(PROJECT_STATUSES.map((s) => [s, allowed(s)]))).toEqual({
      planning: ['cancel', 'abort'],
      awaiting_plan_approval: ['cancel', 'abort'],
      running: ['pause', 'cancel', 'abort'],
      paused_for_approval: ['pause', 'cancel', 'abort'],
      paused_on_error: ['pause', 'cancel', 'abort'],
      paused_for_agent_development: ['pause', 'cancel', 'abort'],
      paused_for_agent_improvement: ['pause', 'cancel', 'abort'],
      paused_by_user: ['resume', 'cancel', 'abort'],
      completed: [],
      failed: [],
      aborted: [],
    });
  });

  it('should allow rollback and fork only while the project is paused', () => {
    expect(PROJECT_STATUSES.filter(canRollback)).toEqual([
      'paused_for_approval',
      'paused_on_error',
      'paused_for_agent_development',
      'paused_for_agent_improvement',
      'paused_by_user',
    ]);
  });

  it('should give every step status its own label, icon and colour', () => {
    const looks = STEP_STATUSES.map((s) => STEP_STATUS_LOOK[s]);
    expect(new Set(looks.map((l) => l.label)).size).toBe(STEP_STATUSES.length);
    expect(new Set(looks.map((l) => l.icon)).size).toBe(STEP_STATUSES.length);
    expect(new Set(looks.map((l) => l.tone)).size).toBe(STEP_STATUSES.length);
  });

  it('should count completed and skipped steps as done', () => {
    const progress = progressOf([
      projectStep({ stepKey: 'a', status: 'completed' }),
      projectStep({ stepKey: 'b', status: 'skipped' }),
      projectStep({ stepKey: 'c', status: 'running' }),
      projectStep({ stepKey: 'd', status: 'pending' }),
      projectStep({ stepKey: 'e', status: 'pending' }),
      projectStep({ stepKey: 'f', status: 'failed' }),
    ]);
    expect(progress).toMatchObject({
      total: 6,
      done: 2,
      percent: 33,
      counts: { completed: 1, skipped: 1, running: 1, pending: 2, failed: 1 },
    });
    expect(progressOf([]).percent).toBe(0);
  });

  it('should resolve dependencies by full key or by plan id inside a subproject', () => {
    const keys = new Set(['research', 'finance', 'finance/forecast', 'finance/review']);
    expect(
      resolveDependencies(
        projectStep({ stepKey: 'finance/review', parentKey: 'finance', dependencies: ['forecast'] }),
        keys,
      ),
    ).toEqual(['finance/forecast']);
    expect(
      resolveDependencies(projectStep({ stepKey: 'launch', dependencies: ['research', 'finance', 'gone'] }), keys),
    ).toEqual(['research', 'finance']);
  });

  it('should group subproject steps under their parent, keeping orphans at the top level', () => {
    const groups = groupRunSteps(
      [
        projectStep({ stepKey: 'research' }),
        projectStep({ stepKey: 'finance', name: 'Financial plan', type: 'subproject', department: 'finance' }),
        projectStep({ stepKey: 'finance/forecast', parentKey: 'finance' }),
        projectStep({ stepKey: 'lost', parentKey: 'nowhere' }),
      ],
      'marketing',
    );
    expect(groups.map((g) => [g.title, g.steps.map((s) => s.stepKey)])).toEqual([
      ['Marketing', ['research', 'finance', 'lost']],
      ['Finance — Financial plan', ['finance/forecast']],
    ]);
  });

  it('should offer recovery only while paused on error, for steps with an open error', () => {
    const steps = [projectStep({ stepKey: 'a', status: 'failed' }), projectStep({ stepKey: 'b', status: 'completed' })];
    const errors = [
      projectError({ stepKey: 'a' }),
      projectError({ stepKey: 'b' }),
      projectError({ stepKey: 'a', resolvedAt: '2026-11-20T11:00:00.000Z' }),
    ];
    expect([...recoverableSteps('paused_on_error', steps, errors)]).toEqual(['a']);
    expect([...recoverableSteps('paused_on_error', steps, undefined)]).toEqual(['a']);
    expect([...recoverableSteps('paused_for_agent_development', steps, errors)]).toEqual(['a']);
    // While running, retries are the engine's business.
    expect([...recoverableSteps('running', steps, errors)]).toEqual([]);
  });

  it('should lay business days over the calendar, skipping weekends', () => {
    // Friday 20 Nov 2026 + 2 business days (16 h) → Tuesday 24 Nov.
    const end = businessEnd(new Date(2026, 10, 20, 9), 16 * 60);
    expect([end.getDate(), end.getDay()]).toEqual([24, 2]);
  });

  it('should format byte sizes', () => {
    expect([formatBytes(980), formatBytes(2048), formatBytes(87.3 * 1024 * 1024)]).toEqual([
      '980 B',
      '2.0 kB',
      '87 MB',
    ]);
  });
});
