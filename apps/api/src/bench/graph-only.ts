import { PostgresCheckpointSaver } from '@orchestrator/checkpoint-postgres';
import type { Plan } from '@orchestrator/contracts';
import {
  ExecutionEngine,
  resultPreview,
  type ExecutionStore,
  type LlmProvider,
  type StepOutcome,
} from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import type { AgentRegistryService } from '../modules/agents/agent-registry.service.js';

/**
 * Our execution graph with its checkpoints on our saver, but the bookkeeping (step rows, audit,
 * agent loads, budgets, events) kept in memory: the part of a step that LangGraph, the graph's
 * shape (schedule → run_step per step) and the checkpointer cost. The gap between this and the
 * full run is what the bookkeeping costs.
 */
export function graphOnlyEngine(
  plans: Map<string, Plan>,
  pool: Pool,
  registry: AgentRegistryService,
  llm: LlmProvider,
  agentsDir: string,
): ExecutionEngine {
  const results = new Map<string, StepOutcome>();
  const key = (projectId: string, stepKey: string) => `${projectId}/${stepKey}`;
  const store: ExecutionStore = {
    loadRun: async (ctx) => {
      const plan = plans.get(ctx.projectId)!;
      return { plan, planVersion: 1, status: 'running', autonomy: {}, defaultAutonomy: 'autonomous' };
    },
    loadPolicy: async () => ({ autonomy: {}, defaultAutonomy: 'autonomous' }),
    initSteps: async () => undefined,
    setStepStatus: async () => undefined,
    finishedOutcome: async (ctx, stepKey) => results.get(key(ctx.projectId, stepKey)),
    saveResult: async (ctx, stepKey, result, idempotencyKey) => {
      const outcome: StepOutcome = {
        status: 'completed',
        agent: result.agent,
        resultRef: idempotencyKey,
        preview: resultPreview(result.content, 200),
      };
      results.set(key(ctx.projectId, stepKey), outcome);
      return outcome;
    },
    recordError: async () => 'bench-error',
    priorResults: async () => [],
  };
  return new ExecutionEngine({
    registry: () => registry.current(),
    index: () => registry.index(),
    agentsDir,
    llm,
    usage: { record: async () => undefined },
    store,
    approvals: { request: async () => ({ id: 'bench-approval' }) },
    loads: { snapshot: async () => new Map(), acquire: async () => true, release: async () => undefined },
    maxAttempts: 1,
    backoffBaseMs: 1,
    backoffCapMs: 1,
    sleep: async () => undefined,
    checkpointer: new PostgresCheckpointSaver(pool),
    control: { shouldStop: async () => false },
  });
}
