import type { BudgetPeriod } from '@orchestrator/contracts';
import { circuitBlocks } from './circuit-breaker.js';
import type { BudgetUsage, CircuitRecord, ExecutionGuard, GuardTarget, RunContext, RunLimits } from './ports.js';

export type BudgetLevel = 'ok' | 'soft' | 'hard';

/** Start of the budget period containing `now` (UTC; weeks start on Monday); null for `total`. */
export function periodStart(period: BudgetPeriod, now: Date): Date | null {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  switch (period) {
    case 'total':
      return null;
    case 'day':
      return d;
    case 'week':
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return d;
    case 'month':
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  }
}

const reached = (used: number, limit: number | null) => limit !== null && used >= limit;

/** A limit is reached when usage is at or over it: the next run would only add to it. */
export function budgetLevel(b: BudgetUsage): BudgetLevel {
  if (reached(b.tokensUsed, b.tokenHardLimit) || reached(b.costUsedUsd, b.costHardLimitUsd)) return 'hard';
  if (reached(b.tokensUsed, b.tokenSoftLimit) || reached(b.costUsedUsd, b.costSoftLimitUsd)) return 'soft';
  return 'ok';
}

const PERIOD_NAME: Record<BudgetPeriod, string> = { total: 'total', day: 'daily', week: 'weekly', month: 'monthly' };
const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/** A sentence naming the budget and the limit it reached, for the pause reason and the warning. */
export function describeBudget(b: BudgetUsage, level: Exclude<BudgetLevel, 'ok'>): string {
  const owner =
    b.scope === 'project'
      ? 'this project'
      : b.scope === 'agent'
        ? `agent ${b.scopeRef}`
        : `the ${b.scopeRef} department`;
  const tokenLimit = level === 'hard' ? b.tokenHardLimit : b.tokenSoftLimit;
  const costLimit = level === 'hard' ? b.costHardLimitUsd : b.costSoftLimitUsd;
  const what = reached(b.tokensUsed, tokenLimit)
    ? `${b.tokensUsed.toLocaleString('en-US')} of ${tokenLimit!.toLocaleString('en-US')} tokens used`
    : `${usd(b.costUsedUsd)} of ${usd(costLimit!)} spent`;
  return level === 'hard'
    ? `The ${PERIOD_NAME[b.period]} budget of ${owner} is exhausted (${what}, hard limit). Raise the budget, then retry the step.`
    : `The ${PERIOD_NAME[b.period]} budget of ${owner} reached its soft limit (${what}); work continues.`;
}

export interface BudgetCheck {
  /** The first exhausted budget: the step must not run. */
  hard: { budget: BudgetUsage; message: string } | null;
  soft: Array<{ budget: BudgetUsage; message: string }>;
}

export function evaluateBudgets(budgets: BudgetUsage[]): BudgetCheck {
  const check: BudgetCheck = { hard: null, soft: [] };
  for (const budget of budgets) {
    const level = budgetLevel(budget);
    if (level === 'hard' && !check.hard) check.hard = { budget, message: describeBudget(budget, 'hard') };
    else if (level === 'soft') check.soft.push({ budget, message: describeBudget(budget, 'soft') });
  }
  return check;
}

/** Per-run limits: the reason the step must not run, or null. */
export function runLimitStop(limits: RunLimits, retryRound: number): string | null {
  if (limits.stepsStarted >= limits.maxSteps)
    return `This run reached its limit of ${limits.maxSteps} executed steps. Raise the project's step limit, then retry the step.`;
  if (retryRound > limits.maxLoops)
    return `This step was sent round again ${retryRound} times, over the limit of ${limits.maxLoops}. Raise the project's loop limit, then retry, or skip the step.`;
  return null;
}

export type AgentRunBlock = { kind: 'budget'; message: string } | { kind: 'circuit'; message: string };

export interface AgentRunCheck {
  block: AgentRunBlock | null;
  /** The agent's circuit as read before the run (null: it never failed); the outcome needs it. */
  circuit: CircuitRecord | null;
}

/**
 * Checked before each agent run (docs/operations.md#budgets): run limits and hard budget limits stop the step
 * (a person raises the limit and retries); soft limits are recorded once per period and the run
 * goes on; an open circuit skips this agent so that an alternative can be tried.
 */
export async function checkBeforeAgent(
  guard: ExecutionGuard | undefined,
  ctx: RunContext,
  target: GuardTarget,
  retryRound: number,
): Promise<AgentRunCheck> {
  if (!guard) return { block: null, circuit: null };
  // Independent reads, sent together: every step waits for one round trip instead of three.
  const [limits, budgets, circuit] = await Promise.all([
    guard.store.runLimits(ctx, target.stepKey),
    guard.store.budgetsFor(ctx, target),
    guard.store.circuit(ctx, target.agent),
  ]);
  const limit = runLimitStop(limits, retryRound);
  if (limit) return { block: { kind: 'budget', message: limit }, circuit };
  const check = evaluateBudgets(budgets);
  for (const warning of check.soft) await guard.store.warnBudget(ctx, warning.budget, target.stepKey, warning.message);
  if (check.hard) {
    await guard.store.markHardStop(ctx, check.hard.budget);
    return { block: { kind: 'budget', message: check.hard.message }, circuit };
  }
  const open = circuitBlocks(guard, circuit, target.agent);
  return { block: open ? { kind: 'circuit', message: open } : null, circuit };
}
