import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { Plan, PlanStep } from '@orchestrator/contracts';
import { ExecutionEngine } from '../graphs/execution/engine.js';
import type { StartsFirst } from '../graphs/execution/starts-first.js';
import type { ExecutionGuard } from '../execution/ports.js';
import { ScriptedChatModel, type ScriptedTurn } from '../llm/scripted.js';
import { recordingExecution } from './execution-ports.js';
import type { Workforce } from './facade-harness.js';
import { SHIPPED_AGENTS_DIR } from './fixtures.js';
import { memoryLoads } from './ports.js';

/** A low-risk marketing step for the blog post writer; `extra` changes what a test is about. */
export const testStep = (id: string, dependsOn: string[] = [], extra: Partial<PlanStep> = {}): PlanStep => ({
  id,
  name: `Step ${id}`,
  description: `Do ${id}`,
  type: 'standard',
  department: 'marketing',
  dependsOn,
  assignedAgent: 'blog_post_writer',
  assignedHuman: null,
  collaboration: null,
  capability: 'blog_post_writing',
  riskLevel: 'low',
  estimatedDuration: { value: 1, unit: 'hours' },
  ...extra,
});

export const testPlan = (steps: PlanStep[]): Plan => ({
  title: 'Test project',
  request: 'A test project',
  template: null,
  department: 'marketing',
  horizon: 'short_term',
  steps,
  criticalPath: { stepIds: [], totalMinutes: 60, display: { value: 1, unit: 'hours' } },
  warnings: [],
});

export interface TestEngineOptions {
  autonomy?: 'supervised' | 'semi_autonomous' | 'autonomous';
  checkpointer?: MemorySaver;
  guard?: ExecutionGuard;
  maxAttempts?: number;
  /** Shared between engines to see the start priority across their runs. */
  startsFirst?: StartsFirst;
}

/** The execution engine over the shipped workforce, a scripted model and in-memory ports. */
export function testEngine(workforce: Workforce, plan: Plan, script: ScriptedTurn[], options: TestEngineOptions = {}) {
  const rec = recordingExecution(plan, options.autonomy);
  const model = new ScriptedChatModel(script);
  const checkpointer = options.checkpointer ?? new MemorySaver();
  const engine = new ExecutionEngine({
    registry: () => workforce.registry,
    index: () => workforce.index,
    agentsDir: SHIPPED_AGENTS_DIR,
    llm: { info: { provider: 'scripted', model: 's', offline: false }, chatModel: model },
    usage: { record: async () => undefined },
    store: rec.store,
    approvals: rec.requester,
    loads: memoryLoads(workforce.registry),
    maxAttempts: options.maxAttempts ?? 3,
    backoffBaseMs: 1,
    backoffCapMs: 5,
    sleep: async () => undefined,
    ...(options.guard ? { guard: options.guard } : {}),
    ...(options.startsFirst ? { startsFirst: options.startsFirst } : {}),
    checkpointer,
    control: { shouldStop: async () => false },
  });
  return { engine, rec, model, checkpointer, ctx: { workspaceId: randomUUID(), projectId: randomUUID() } };
}
