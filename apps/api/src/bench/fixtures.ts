import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan, PlanStep } from '@orchestrator/contracts';

export const NOOP_AGENT = 'bench_noop';
export const LARGE_AGENT = 'bench_large_result';

/** The hook the large-result agent reads: how many bytes of markdown to return. */
export const RESULT_BYTES_HOOK = '__orchestratorBenchResultBytes';

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

/**
 * Adds a function agent that returns a large markdown result (ASCII table rows, the size the
 * bench sets in RESULT_BYTES_HOOK) to an agents folder: how a step produces a 100 MB result.
 * It builds the text as a real agent might, from a 1 MiB block repeated, in a few milliseconds.
 */
export async function addLargeResultAgent(agentsDir: string): Promise<void> {
  const agent = path.join(agentsDir, 'operations', LARGE_AGENT);
  await mkdir(agent, { recursive: true });
  await writeFile(
    path.join(agent, 'agent.yaml'),
    [
      `name: ${LARGE_AGENT}`,
      'title: Bench Large Result',
      'department: operations',
      'type: function',
      'reportsTo: operations_manager_orchestrator',
      'description: >-',
      '  Returns a markdown table of the size the benchmark asks for; used only by the large-result',
      '  benchmark to measure memory and event-loop delay while a step result is stored.',
      'capabilities:',
      '  - bench_large_result',
      'risk:',
      '  default: low',
      'limits:',
      '  maxConcurrent: 10',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(agent, 'Context.md'),
    '# Bench Large Result\n\n## Role\nReturns a large table.\n\n## Responsibilities\nNothing else.\n\n## Inputs\nAny task.\n\n## Outputs\nA markdown table.\n\n## Quality bar\nNone.\n\n## Escalation\nNone.\n',
  );
  await writeFile(
    path.join(agent, 'index.ts'),
    [
      'const large = {',
      '  timeoutMs: 600000,',
      '  inputSchema: (z: { object: (shape: object) => unknown; string: () => unknown }) => z.object({ task: z.string() }),',
      '  parseTask: (task: string) => ({ input: { task } }),',
      '  run: () => {',
      `    const bytes = Number((globalThis as { ${RESULT_BYTES_HOOK}?: number }).${RESULT_BYTES_HOOK} ?? 1048576);`,
      "    const rows: string[] = ['| row | value | note |\\n|---|---|---|\\n'];",
      '    for (let i = 0, size = rows[0].length; size < 1048576; i++) {',
      '      const row = `| ${i} | ${(i * 7919) % 100003} | bench result row ${i % 97} |\\n`;',
      '      rows.push(row);',
      '      size += row.length;',
      '    }',
      "    const block = rows.join('').slice(0, 1048576);",
      '    const markdown = block.repeat(Math.floor(bytes / block.length)) + block.slice(0, bytes % block.length);',
      '    return { markdown, data: null };',
      '  },',
      '};',
      'export default large;',
      '',
    ].join('\n'),
  );
}

const step = (id: string, dependsOn: string[], agent = NOOP_AGENT, capability = 'bench_noop_step'): PlanStep => ({
  id,
  name: `Bench step ${id}`,
  description: `No-op step ${id}.`,
  type: 'standard',
  department: 'operations',
  dependsOn,
  assignedAgent: agent,
  assignedHuman: null,
  collaboration: null,
  capability,
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

/** One step whose agent returns a large result (see addLargeResultAgent). */
export const largeResultPlan = (): Plan =>
  plan('Bench large result', [step('large', [], LARGE_AGENT, 'bench_large_result')]);
