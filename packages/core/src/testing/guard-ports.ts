import { closedCircuit, DEFAULT_CIRCUIT_POLICY } from '../execution/circuit-breaker.js';
import type {
  BudgetUsage,
  CircuitPolicy,
  CircuitRecord,
  ExecutionGuard,
  ExecutionGuardStore,
  RunLimits,
} from '../execution/ports.js';

/**
 * An in-memory ExecutionGuardStore for engine unit tests: budgets and limits are set by the test,
 * warnings and circuit updates are recorded. The Postgres implementation is tested through the API.
 */
export function recordingGuard(
  options: {
    budgets?: BudgetUsage[];
    limits?: Partial<RunLimits>;
    policy?: Partial<CircuitPolicy>;
    now?: () => Date;
  } = {},
) {
  const budgets = options.budgets ?? [];
  const limits: RunLimits = { maxSteps: 100, maxLoops: 5, stepsStarted: 0, ...options.limits };
  const warnings: Array<{ budgetId: string; stepKey: string; message: string }> = [];
  const hardStops: string[] = [];
  const circuits = new Map<string, CircuitRecord>();
  const warned = new Set<string>();
  const store: ExecutionGuardStore = {
    budgetsFor: async (_ctx, target) =>
      budgets.filter((b) =>
        b.scope === 'agent'
          ? b.scopeRef === target.agent
          : b.scope === 'department'
            ? b.scopeRef === target.department
            : true,
      ),
    warnBudget: async (_ctx, budget, stepKey, message) => {
      if (warned.has(budget.id)) return false;
      warned.add(budget.id);
      warnings.push({ budgetId: budget.id, stepKey, message });
      return true;
    },
    markHardStop: async (_ctx, budget) => void hardStops.push(budget.id),
    runLimits: async () => ({ ...limits }),
    circuit: async (_ctx, agent) => circuits.get(agent) ?? null,
    updateCircuit: async (_ctx, agent, next) => {
      const record = next(circuits.get(agent) ?? closedCircuit());
      circuits.set(agent, record);
      return record;
    },
  };
  const guard: ExecutionGuard = {
    store,
    circuit: { ...DEFAULT_CIRCUIT_POLICY, ...options.policy },
    now: options.now ?? (() => new Date()),
  };
  return { guard, budgets, limits, warnings, hardStops, circuits };
}

export const budget = (over: Partial<BudgetUsage> & Pick<BudgetUsage, 'scope' | 'scopeRef'>): BudgetUsage => ({
  id: `${over.scope}:${over.scopeRef}`,
  period: 'month',
  tokenSoftLimit: null,
  tokenHardLimit: null,
  costSoftLimitUsd: null,
  costHardLimitUsd: null,
  tokensUsed: 0,
  costUsedUsd: 0,
  ...over,
});
