import { FINAL_STATUSES, PAUSED_STATUSES, type ProjectStatus } from '@orchestrator/contracts';

/**
 * Legal project transitions: planning → awaiting_plan_approval → running →
 * (paused_* ↔ running) → completed | failed | aborted. Anything else is refused with the
 * current state; terminal states are final.
 */
const ALLOWED: Record<ProjectStatus, ProjectStatus[]> = {
  planning: ['awaiting_plan_approval', 'aborted'],
  awaiting_plan_approval: ['planning', 'running', 'aborted'],
  running: [...PAUSED_STATUSES, 'completed', 'failed', 'aborted'],
  paused_for_approval: ['running', 'paused_by_user', 'failed', 'aborted'],
  paused_on_error: ['running', 'paused_by_user', 'failed', 'aborted'],
  paused_for_agent_development: ['running', 'paused_by_user', 'failed', 'aborted'],
  paused_for_agent_improvement: ['running', 'paused_by_user', 'failed', 'aborted'],
  paused_by_user: ['running', 'aborted'],
  completed: [],
  failed: [],
  aborted: [],
};

export const isTerminal = (s: ProjectStatus): boolean => FINAL_STATUSES.includes(s);

export function canTransition(from: ProjectStatus, to: ProjectStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function allowedTransitions(from: ProjectStatus): readonly ProjectStatus[] {
  return ALLOWED[from];
}
