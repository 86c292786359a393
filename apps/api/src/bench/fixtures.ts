import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan, PlanStep } from '@orchestrator/contracts';

export const NOOP_AGENT = 'bench_noop';
export const LARGE_AGENT = 'bench_large_result';

/** The hook the no-op agent calls when it starts (with its prior results), so the bench can time each step. */
export const MARK_HOOK = '__orchestratorBenchMark';

/** The hook the large-result agent reads: what to return (a LargeResultSpec). */
export const RESULT_SPEC_HOOK = '__orchestratorBenchResultSpec';

export interface LargeResultSpec {
  /** Characters of markdown (one character is one byte unless `unicode`). */
  chars: number;
  /** Return one string (joined by the agent) instead of 1 MiB pieces. */
  asString?: boolean;
  /** Put multi-byte characters and surrogate pairs in every row (pieces then cut pairs in half). */
  unicode?: boolean;
  /** Called when the agent starts and right before it returns: the bench tells its work from ours. */
  started?: () => void;
  returning?: () => void;
}

/**
 * What the large-result agent returns for a spec: a markdown table in pieces of 1 MiB, each a
 * string of its own (so the result really takes its size in memory), yielding to the event loop
 * between pieces as a well-behaved agent building a large result does. Self-contained: its source
 * is written into the agent's module, and tests call it to know the expected text.
 */
export async function largeMarkdown(spec: LargeResultSpec): Promise<string[]> {
  const mark = spec.unicode ? ' café 😀' : '';
  const rows = ['| row | value | note |\n|---|---|---|\n'];
  for (let row = 0, chars = 0; chars < 1048576; row++) {
    const line = `| ${row} | ${(row * 7919) % 100003} | bench row ${row % 97}${mark} |\n`;
    rows.push(line);
    chars += line.length;
  }
  const block = rows.join('');
  const pieces: string[] = [];
  for (let size = 0, i = 0; size < spec.chars; i++) {
    // Slicing the concatenation copies it into a new string: every piece has memory of its own.
    const piece = (`| piece ${i} | | |\n` + block).slice(0, Math.min(1048576, spec.chars - size));
    pieces.push(piece);
    size += piece.length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return pieces;
}

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
      '  run: (_input: unknown, ctx: { priorResults?: unknown }) => {',
      `    (globalThis as { ${MARK_HOOK}?: (prior: unknown) => void }).${MARK_HOOK}?.(ctx.priorResults);`,
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
 * Adds a function agent that returns a large markdown result (largeMarkdown of the spec the
 * caller sets in RESULT_SPEC_HOOK) to an agents folder: how a step produces a 100 MB result.
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
      `const build = ${largeMarkdown.toString()};`,
      'const large = {',
      '  timeoutMs: 600000,',
      '  inputSchema: (z: { object: (shape: object) => unknown; string: () => unknown }) => z.object({ task: z.string() }),',
      '  parseTask: (task: string) => ({ input: { task } }),',
      '  run: async () => {',
      `    const spec = (globalThis as { ${RESULT_SPEC_HOOK}?: Parameters<typeof build>[0] }).${RESULT_SPEC_HOOK} ?? { chars: 1048576 };`,
      '    spec.started?.();',
      '    const pieces = await build(spec);',
      "    const markdown = spec.asString ? pieces.join('') : pieces;",
      '    spec.returning?.();',
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

/** A step whose agent returns a large result (see addLargeResultAgent), optionally one that builds on it. */
export const largeResultPlan = (withDependent = false): Plan =>
  plan('Bench large result', [
    step('large', [], LARGE_AGENT, 'bench_large_result'),
    ...(withDependent ? [step('after', ['large'], NOOP_AGENT)] : []),
  ]);
