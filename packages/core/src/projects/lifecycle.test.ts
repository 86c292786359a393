import { PROJECT_STATUSES } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { allowedTransitions, canTransition, isTerminal } from './lifecycle.js';

describe('project lifecycle', () => {
  it('should allow the plan → approve → act path', () => {
    expect(canTransition('planning', 'awaiting_plan_approval')).toBe(true);
    expect(canTransition('awaiting_plan_approval', 'running')).toBe(true);
    expect(canTransition('running', 'paused_for_approval')).toBe(true);
    expect(canTransition('paused_for_approval', 'running')).toBe(true);
    expect(canTransition('running', 'completed')).toBe(true);
  });

  it('should refuse skipping approval and leaving terminal states', () => {
    expect(canTransition('planning', 'running')).toBe(false);
    for (const terminal of ['completed', 'failed', 'aborted'] as const) {
      expect(isTerminal(terminal)).toBe(true);
      for (const to of PROJECT_STATUSES) expect(canTransition(terminal, to)).toBe(false);
    }
  });

  it('should let every non-terminal state be aborted', () => {
    for (const s of PROJECT_STATUSES) if (!isTerminal(s)) expect(allowedTransitions(s)).toContain('aborted');
  });
});
