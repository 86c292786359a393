import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan, PlanStep } from '@orchestrator/contracts';

export const NOOP_AGENT = 'bench_noop';

/** The hook the no-op agent calls when it starts, so the bench can time each step. */
export const MARK_HOOK = '__orchestratorBenchMark';

/**
 * A copy of the shipped workforce plus one function agent that returns at once: the bench
 * measures orchestration, not work. The agent calls a global hook (set by the bench) so step
 * starts are timed where the agent actually runs.
 */
export async function noopAgentsDir(shippedDir: string, into: string): Promise<string> {
  const dir = path.join(into, 'agents');
  await cp(shippedDir, dir, { recursive: true });
  const agent = path.join(dir, 'operations', NOOP_AGENT);
  await mkdir(agent, { recursive: true });
  await writeFile(
    path.join(agent, 'agent.yaml'),
    [
      `name: ${NOOP_AGENT}`,
      'title: Bench No-op',
      'department: operations',
      'type: function',
      'reportsTo: operations_manager_orchestrator',
      'description: >-',
      '  Returns at once without doing anything; used only by the execution-engine benchmark to',
      '  measure orchestration overhead per step.',
      'capabilities:',
      '  - bench_noop_step',
      '  - bench_noop_check',
      '  - bench_noop_echo',
      'risk:',
      '  default: low',
      'limits:',
      '  maxConcurrent: 100',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(agent, 'Context.md'),
    '# Bench No-op\n\n## Role\nReturns at once.\n\n## Responsibilities\nNothing.\n\n## Inputs\nAny task.\n\n## Outputs\nThe word done.\n\n## Quality bar\nNone.\n\n## Escalation\nNone.\n',
  );
  await writeFile(
    path.join(agent, 'index.ts'),
    [
      'const noop = {',
      '  inputSchema: (z: { object: (shape: object) => unknown; string: () => unknown }) => z.object({ task: z.string() }),',
      '  parseTask: (task: string) => ({ input: { task } }),',
      '  run: () => {',
      `    (globalThis as { ${MARK_HOOK}?: () => void }).${MARK_HOOK}?.();`,
      "    return { markdown: 'done', data: null };",
      '  },',
      '};',
      'export default noop;',
      '',
    ].join('\n'),
  );
  return dir;
}

const step = (id: string, dependsOn: string[]): PlanStep => ({
  id,
  name: `Bench step ${id}`,
  description: `No-op step ${id}.`,
  type: 'standard',
  department: 'operations',
  dependsOn,
  assignedAgent: NOOP_AGENT,
  assignedHuman: null,
  collaboration: null,
  capability: 'bench_noop_step',
  riskLevel: 'low',
  estimatedDuration: { value: 1, unit: 'hours' },
});

const plan = (title: string, steps: PlanStep[]): Plan => ({
  title,
  request: title,
  template: null,
  department: 'operations',
  horizon: 'short_term',
  steps,
  criticalPath: { stepIds: [], totalMinutes: 60, display: { value: 1, unit: 'hours' } },
  warnings: [],
});

const id = (i: number) => `s${String(i).padStart(3, '0')}`;

/** n steps, each depending on the one before. */
export const linearPlan = (n: number): Plan =>
  plan(
    `Bench linear ${n}`,
    Array.from({ length: n }, (_, i) => step(id(i), i === 0 ? [] : [id(i - 1)])),
  );

/** n independent steps: one parallel batch. */
export const parallelPlan = (n: number): Plan =>
  plan(
    `Bench parallel ${n}`,
    Array.from({ length: n }, (_, i) => step(id(i), [])),
  );
