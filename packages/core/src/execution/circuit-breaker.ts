import type { CircuitState, ErrorCategory } from '@orchestrator/contracts';
import type { CircuitPolicy, CircuitRecord, ExecutionGuard, RunContext } from './ports.js';

export const DEFAULT_CIRCUIT_POLICY: CircuitPolicy = {
  failureThreshold: 5,
  windowMs: 10 * 60_000,
  coolDownMs: 5 * 60_000,
};

export const closedCircuit = (): CircuitRecord => ({
  state: 'closed',
  consecutiveFailures: 0,
  lastFailureAt: null,
  openedAt: null,
});

/**
 * Failures that say something about the agent itself. A full agent, a budget stop, a rejected or
 * cancelled step, or a bad dependency is not the agent failing, so it must not trip the breaker.
 */
export function countsAgainstCircuit(category: ErrorCategory): boolean {
  return !['agent_unavailable', 'budget', 'cancelled', 'dependency_failed', 'permission', 'validation'].includes(
    category,
  );
}

/** The state a stored record is in at `now`: an open circuit turns half-open once its cool-down has passed. */
export function circuitStateAt(
  record: CircuitRecord,
  now: Date,
  policy: CircuitPolicy,
): { state: CircuitState; retryAt: Date | null } {
  if (record.state !== 'open' || !record.openedAt) return { state: record.state, retryAt: null };
  const retryAt = new Date(record.openedAt.getTime() + policy.coolDownMs);
  return now >= retryAt ? { state: 'half_open', retryAt } : { state: 'open', retryAt };
}

/**
 * A failure: counts towards the threshold when it follows the previous one within the window
 * (older failures are forgotten); a failed half-open trial reopens the circuit at once.
 */
export function afterFailure(record: CircuitRecord, now: Date, policy: CircuitPolicy): CircuitRecord {
  const { state } = circuitStateAt(record, now, policy);
  if (state === 'half_open')
    return { state: 'open', consecutiveFailures: record.consecutiveFailures + 1, lastFailureAt: now, openedAt: now };
  if (state === 'open') return { ...record, consecutiveFailures: record.consecutiveFailures + 1, lastFailureAt: now };
  const recent = record.lastFailureAt !== null && now.getTime() - record.lastFailureAt.getTime() <= policy.windowMs;
  const failures = (recent ? record.consecutiveFailures : 0) + 1;
  return failures >= policy.failureThreshold
    ? { state: 'open', consecutiveFailures: failures, lastFailureAt: now, openedAt: now }
    : { state: 'closed', consecutiveFailures: failures, lastFailureAt: now, openedAt: null };
}

/** A success closes the circuit and clears the count (a half-open trial that worked). */
export const afterSuccess = (_record: CircuitRecord): CircuitRecord => closedCircuit();

/**
 * Before an agent runs: the reason it must be skipped while its circuit is open, or null. The
 * caller then tries an alternative agent and, failing that, asks a person.
 */
export function circuitBlocks(guard: ExecutionGuard, record: CircuitRecord | null, agent: string): string | null {
  if (!record) return null;
  const { state, retryAt } = circuitStateAt(record, guard.now(), guard.circuit);
  if (state !== 'open') return null;
  return `The circuit breaker of ${agent} is open after ${record.consecutiveFailures} consecutive failures; it is skipped until ${retryAt!.toISOString()}.`;
}

/**
 * After an agent run: updates its circuit (failures that are not the agent's fault are ignored)
 * and returns it as it now stands, for the step's next attempt. `before` is the circuit as this
 * step last saw it: most runs succeed on a closed circuit, and then nothing is read or written
 * (an update locks and re-reads the row, so parallel steps never lose counts).
 */
export async function recordAgentOutcome(
  guard: ExecutionGuard | undefined,
  ctx: RunContext,
  agent: string,
  outcome: { ok: true } | { ok: false; category: ErrorCategory; message: string },
  before: CircuitRecord | null,
): Promise<CircuitRecord | null> {
  if (!guard) return before;
  if (outcome.ok) {
    if (!before || (before.state === 'closed' && before.consecutiveFailures === 0)) return before;
    return guard.store.updateCircuit(ctx, agent, afterSuccess, null);
  }
  if (!countsAgainstCircuit(outcome.category)) return before;
  const now = guard.now();
  return guard.store.updateCircuit(
    ctx,
    agent,
    (current) => afterFailure(current, now, guard.circuit),
    outcome.message.slice(0, 1000),
  );
}
