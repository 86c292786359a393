import type { PlanStep } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExecStep } from '../../execution/flatten.js';
import { testEngine, testPlan, testStep } from '../../testing/engine-harness.js';
import { loadShippedWorkforce, type Workforce } from '../../testing/facade-harness.js';
import { checkpointEvents, nextStepKeys, type CheckpointView } from './checkpoint-events.js';

const exec = (key: string, name: string, dependsOn: string[] = []): ExecStep => ({
  key,
  parentKey: null,
  step: { id: key, name } as PlanStep,
  dependsOn,
});

const STEPS = [
  exec('research', 'Market research'),
  exec('roi', 'Business case and ROI', ['research']),
  exec('budget', 'Launch budget', ['roi']),
];

const view = (overrides: Partial<CheckpointView> & { values?: CheckpointView['values'] } = {}): CheckpointView => ({
  source: 'loop',
  graphNext: ['run_step'],
  interrupts: [],
  ...overrides,
  values: { steps: STEPS, done: {}, failures: {}, retries: {}, aborted: null, ...overrides.values },
});

const done = (agent: string | null, status: 'completed' | 'skipped' = 'completed', reason?: string) => ({
  status,
  agent,
  resultRef: null,
  preview: null,
  ...(reason ? { reason } : {}),
});

const labels = { agentTitle: (name: string) => ({ roi_calculator: 'ROI Calculator' })[name] ?? name };

describe('checkpointEvents', () => {
  it('should say the plan was approved when the checkpoint is the run input', () => {
    expect(checkpointEvents(view({ source: 'input', values: { steps: [] } }), null, labels)).toEqual([
      'Plan approved — run started',
    ]);
  });

  it('should name the steps that start when nothing else happened', () => {
    const input = view({ source: 'input', graphNext: ['__start__'], values: { steps: [] } });
    expect(checkpointEvents(view(), input, labels)).toEqual(['Started “Market research”']);
  });

  it('should name a completed step and the agent that did it by its title', () => {
    const before = view({ values: { done: { research: done('analyst') } } });
    const after = view({ values: { done: { research: done('analyst'), roi: done('roi_calculator') } } });
    expect(checkpointEvents(after, before, labels)).toEqual([
      '“Business case and ROI” completed by ROI Calculator',
      'Started “Launch budget”',
    ]);
  });

  it('should say a step was skipped and why', () => {
    const after = view({ values: { done: { research: done(null, 'skipped', 'not needed') } } });
    expect(checkpointEvents(after, view(), labels)).toContain('“Market research” skipped — not needed');
  });

  it('should say the run paused for approval and not that the gated step started', () => {
    const before = view({ values: { done: { research: done('a'), roi: done('roi_calculator') } } });
    const after = view({
      values: { done: { research: done('a'), roi: done('roi_calculator') } },
      interrupts: [{ kind: 'approval', approvalId: 'x', stepKey: 'budget' }],
    });
    expect(checkpointEvents(after, before, labels)).toEqual(['Paused for approval of “Launch budget”']);
  });

  it('should report a failure, the wait for a decision and a later reassignment', () => {
    const failed = view({
      graphNext: ['schedule'],
      values: { failures: { research: { errorId: 'e', category: 'llm_timeout', message: 'the model timed out' } } },
      interrupts: [{ kind: 'error', errorId: 'e', stepKey: 'research', category: 'llm_timeout', message: 'x' }],
    });
    expect(checkpointEvents(failed, view(), labels)).toEqual([
      '“Market research” failed — the model timed out',
      'Waiting for a decision on the failed step “Market research”',
    ]);
    const reassigned = view({ values: { retries: { research: { round: 1, agent: 'roi_calculator' } } } });
    expect(checkpointEvents(reassigned, failed, labels)).toEqual(['“Market research” reassigned to ROI Calculator']);
  });

  it('should say the run finished when every step is done and nothing is next', () => {
    const all = { research: done('a'), roi: done('b'), budget: done('c') };
    const last = view({ graphNext: [], values: { done: all } });
    const before = view({ values: { done: { research: done('a'), roi: done('b') } } });
    expect(checkpointEvents(last, before, labels)).toEqual([
      '“Launch budget” completed by c',
      'Run finished — all 3 steps done',
    ]);
  });

  it('should tell a rollback from a fork', () => {
    const update = view({ source: 'update', values: { done: { research: done('a') } } });
    expect(checkpointEvents(update, view(), labels)).toEqual([
      'Rolled back to this point — 1 step kept as finished, the others run again',
    ]);
    expect(checkpointEvents(update, null, labels)).toEqual(['Forked from another project — 1 step kept as finished']);
  });

  it('should list at most three names and count the rest', () => {
    const many = ['a', 'b', 'c', 'd', 'e'].map((k) => exec(k, k.toUpperCase()));
    expect(checkpointEvents(view({ values: { steps: many } }), null, labels)).toEqual([
      'Started “A”, “B”, “C” and 2 more',
    ]);
  });
});

describe('nextStepKeys', () => {
  it('should give the ready steps by key and nothing once the run ended', () => {
    expect(nextStepKeys(view({ values: { done: { research: done('a') } } }))).toEqual(['roi']);
    expect(nextStepKeys(view({ graphNext: [] }))).toEqual([]);
  });
});

describe('ExecutionEngine.checkpoints', () => {
  let workforce: Workforce;
  beforeAll(async () => {
    workforce = await loadShippedWorkforce();
  });

  it('should describe a gated run in plain words with step keys as next', async () => {
    const plan = testPlan([testStep('draft'), testStep('publish', ['draft'], { riskLevel: 'critical' })]);
    const t = testEngine(workforce, plan, ['draft done', 'publish done']);
    await t.engine.run(t.ctx);
    const history = await t.engine.checkpoints(t.ctx);
    const oldestFirst = history.map((c) => c.events).reverse();
    const writer = workforce.registry.get('blog_post_writer')!.definition.title;
    expect(oldestFirst[0]).toEqual(['Plan approved — run started']);
    expect(oldestFirst.flat()).toContain(`“Step draft” completed by ${writer}`);
    expect(history[0]!.events).toContain('Paused for approval of “Step publish”');
    expect(history[0]!.next).toEqual(['publish']);
  });
});
