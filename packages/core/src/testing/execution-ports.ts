import { randomUUID } from 'node:crypto';
import type { AutonomyLevel, Plan, StepStatus } from '@orchestrator/contracts';
import type { ExecStep } from '../execution/flatten.js';
import type {
  ApprovalRequest,
  ApprovalRequester,
  ExecutionStore,
  StepOutcome,
  StepResultInput,
} from '../execution/ports.js';
import { joinResult, resultPreview } from '../functions/result-text.js';

/**
 * A recording ExecutionStore and ApprovalRequester for engine unit tests; the Postgres
 * implementation is tested through the API against a real database.
 */
export function recordingExecution(plan: Plan, autonomy: AutonomyLevel = 'autonomous') {
  const statuses = new Map<string, StepStatus[]>();
  const results = new Map<string, { key: string; outcome: StepOutcome; content: string }>();
  const errors: Array<{ stepKey: string; category: string; attempt: number }> = [];
  const approvals: ApprovalRequest[] = [];
  const pending = new Map<string, string>();
  let executions = 0;
  const store: ExecutionStore = {
    loadRun: async () => ({ plan, planVersion: 1, status: 'running', autonomy: {}, defaultAutonomy: autonomy }),
    loadPolicy: async () => ({ autonomy: {}, defaultAutonomy: autonomy }),
    initSteps: async (_ctx, steps: ExecStep[]) =>
      steps.forEach((s) => statuses.set(s.key, statuses.get(s.key) ?? ['pending'])),
    setStepStatus: async (_ctx, key, status) => void statuses.set(key, [...(statuses.get(key) ?? []), status]),
    finishedOutcome: async (_ctx, key) => [...results.values()].find((r) => r.key === key)?.outcome,
    saveResult: async (_ctx, key, result: StepResultInput, idempotencyKey) => {
      const existing = results.get(idempotencyKey);
      if (existing) return existing.outcome;
      executions++;
      const outcome: StepOutcome = {
        status: 'completed',
        agent: result.agent,
        resultRef: idempotencyKey,
        preview: resultPreview(result.content, 200),
      };
      results.set(idempotencyKey, { key, outcome, content: joinResult(result.content) });
      statuses.set(key, [...(statuses.get(key) ?? []), 'completed']);
      return outcome;
    },
    recordError: async (_ctx, stepKey, e) => {
      errors.push({ stepKey, category: e.category, attempt: e.attempt });
      return randomUUID();
    },
    priorResults: async (_ctx, keys) =>
      [...results.values()].filter((r) => keys.includes(r.key)).map((r) => ({ title: r.key, markdown: r.content })),
  };
  const requester: ApprovalRequester = {
    request: async (input) => {
      // Keyed like the real store: one approval per gate, decided or not.
      const id = pending.get(input.gateKey) ?? randomUUID();
      if (!pending.has(input.gateKey)) approvals.push(input);
      pending.set(input.gateKey, id);
      return { id };
    },
  };
  return { store, requester, statuses, results, errors, approvals, executions: () => executions };
}
