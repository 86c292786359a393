import type { CircuitPolicy } from '@orchestrator/core';
import type { AppConfig } from '../../config/env.js';

export const BUDGETS_OPTIONS = Symbol('BUDGETS_OPTIONS');

export interface BudgetsOptions {
  circuit: CircuitPolicy;
  /** Defaults of the per-run limits; a project's `metadata.limits` overrides them. */
  maxSteps: number;
  maxLoops: number;
  /** How far behind other processes the guard's cached budgets and circuits may be (0 = read every time). */
  cacheMaxAgeMs: number;
  now: () => Date;
}

export const budgetsOptionsFrom = (config: AppConfig): BudgetsOptions => ({
  circuit: {
    failureThreshold: config.env.CIRCUIT_FAILURE_THRESHOLD,
    windowMs: config.env.CIRCUIT_WINDOW_MS,
    coolDownMs: config.env.CIRCUIT_COOLDOWN_MS,
  },
  maxSteps: config.env.RUN_MAX_STEPS,
  maxLoops: config.env.RUN_MAX_LOOPS,
  cacheMaxAgeMs: config.env.BUDGET_CACHE_MAX_AGE_MS,
  now: () => new Date(),
});
