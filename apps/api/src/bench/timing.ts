import type { INestApplication } from '@nestjs/common';
import type { Pool } from '@orchestrator/db';
import { AgentLoadRepository } from '../modules/agents/agent-load.repository.js';
import { BudgetsRepository } from '../modules/budgets/budgets.repository.js';
import { ExecutionRepository } from '../modules/execution/execution.repository.js';

type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/**
 * BENCH_TIME=1: wall time spent awaiting each bookkeeping call of a step (the store, the budgets
 * guard, agent loads), to show where a step's time goes. Wraps the app's own instances.
 */
export function timeBookkeeping(app: INestApplication): { report: (steps: number) => string[] } {
  const spent = new Map<string, number>();
  const wrap = (label: string, target: Methods, methods: string[]) => {
    for (const m of methods) {
      const original = target[m]!.bind(target);
      target[m] = async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await original(...args);
        } finally {
          spent.set(`${label}.${m}`, (spent.get(`${label}.${m}`) ?? 0) + performance.now() - t0);
        }
      };
    }
  };
  wrap('store', app.get(ExecutionRepository) as unknown as Methods, [
    'finishedOutcome',
    'loadPolicy',
    'setStepStatus',
    'saveResult',
    'recordError',
    'priorResults',
    'runLimits',
  ]);
  wrap('guard', app.get(BudgetsRepository) as unknown as Methods, ['budgetsFor', 'circuit', 'updateCircuit']);
  wrap('loads', app.get(AgentLoadRepository) as unknown as Methods, ['acquire', 'release']);
  return {
    report: (steps) => {
      const lines = [...spent]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `  ${k.padEnd(24)} ${(v / steps).toFixed(3)} ms/step`);
      spent.clear();
      return lines;
    },
  };
}

/** Round trip of a trivial and an indexed query on a pool, at rest (the floor for one statement). */
export async function roundTrip(pool: Pool): Promise<{ trivialMs: number; indexedMs: number }> {
  const time = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await run();
    return Number(((performance.now() - t0) / 200).toFixed(3));
  };
  return {
    trivialMs: await time(() => pool.query('select 1')),
    indexedMs: await time(() =>
      pool.query("select status from project_steps where project_id = gen_random_uuid() and step_key = 'x'"),
    ),
  };
}
