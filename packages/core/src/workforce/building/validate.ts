import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentDefinitionSchema, type AgentDraft, type AgentValidation } from '@orchestrator/contracts';
import { transform } from 'sucrase';
import { z } from 'zod';
import { executeAgent, type AgentRuntimeDeps } from '../../delegation/execute.js';
import {
  assertNoRuntimeImports,
  functionAgentContext,
  loadFunctionAgent,
  type FunctionAgentModule,
} from '../../functions/index.js';
import type { UsageContext } from '../../llm/usage.js';
import type { LoadedAgent } from '../../registry/load.js';
import type { AgentRegistry } from '../../registry/registry.js';
import { checkAgentChange } from '../../registry/validate.js';
import { checkContextMd } from '../../registry/context-safety.js';
import { redactedMessage } from '../../security/redact.js';
import { CONTEXT_SECTIONS, departmentProfile, templateById } from './templates.js';
import type { AgentSpec } from './types.js';

type Check = AgentValidation['checks'][number];
type TaskResult = AgentValidation['tasks'][number];

export interface ValidateDeps extends Omit<AgentRuntimeDeps, 'agentsDir'> {
  registry: () => AgentRegistry;
  /** Where draft modules are written to be compiled and run (a temp folder by default). */
  scratchDir?: string;
}

const PREVIEW_CHARS = 1200;
const check = (name: string, passed: boolean, detail: string): Check => ({ name, passed, detail });

/** The checks of the files themselves, before anything runs. */
export function checkDraftFiles(registry: AgentRegistry, spec: AgentSpec, draft: AgentDraft): Check[] {
  const checks: Check[] = [];
  const parsed = AgentDefinitionSchema.safeParse(draft.definition);
  checks.push(
    check(
      'agent.yaml schema',
      parsed.success,
      parsed.success
        ? 'The definition is valid.'
        : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    ),
  );
  const free = !registry.get(draft.definition.name);
  checks.push(
    check(
      'name is free',
      free,
      free ? `No agent is called ${draft.definition.name} yet.` : `${draft.definition.name} already exists.`,
    ),
  );
  const org = checkAgentChange(
    registry.agents,
    {
      definition: draft.definition,
      contextMd: draft.contextMd,
      moduleSource: draft.moduleSource,
      inputSchemaSource: draft.inputSchemaSource,
    },
    { requireModule: true },
  );
  checks.push(
    check(
      'organisation',
      org.errors.length === 0,
      org.errors.length === 0
        ? `Reports to ${draft.definition.reportsTo}; the org chart stays valid.`
        : org.errors.join('; '),
    ),
  );
  const headings = new Set([...draft.contextMd.matchAll(/^##\s+(.+?)\s*$/gm)].map((m) => m[1]!.toLowerCase()));
  const missing = CONTEXT_SECTIONS.filter((s) => !headings.has(s.toLowerCase()));
  checks.push(
    check(
      'Context.md sections',
      missing.length === 0,
      missing.length === 0 ? `Has ${CONTEXT_SECTIONS.join(', ')}.` : `Missing ${missing.join(', ')}.`,
    ),
  );
  const safety = checkContextMd(draft.contextMd);
  const hostile = [...safety.errors, ...safety.warnings];
  checks.push(
    check(
      'no hostile content',
      hostile.length === 0,
      hostile.length === 0 ? 'No active content, control characters or front matter.' : hostile.join('; '),
    ),
  );
  const caps = draft.definition.capabilities;
  const needed = spec.capability;
  const capsOk = caps.length > 0 && (!needed || caps.includes(needed));
  checks.push(
    check(
      'capabilities',
      capsOk,
      capsOk
        ? caps.join(', ')
        : needed
          ? `The plan needs ${needed}, which the draft does not declare.`
          : 'No capability declared.',
    ),
  );
  return checks;
}

/** Compiles schema.ts on its own (type stripping, no runtime imports) and returns its schema. */
async function compileInputSchema(source: string, dir: string): Promise<z.ZodType> {
  const js = transform(source, { transforms: ['typescript'], disableESTransforms: true }).code;
  assertNoRuntimeImports(js, 'schema.ts');
  const file = path.join(dir, `schema-${randomUUID()}.mjs`);
  await writeFile(file, js, 'utf8');
  const ns = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as {
    inputSchema?: (zod: typeof z) => z.ZodType;
  };
  if (typeof ns.inputSchema !== 'function') throw new Error('schema.ts must export inputSchema(z)');
  return ns.inputSchema(z);
}

/** A function agent: the module must compile and load, and its schema must accept the sample input. */
async function checkFunctionModule(
  draft: AgentDraft,
  root: string,
  sourcePath: string,
  tasks: string[],
): Promise<Check[]> {
  const checks: Check[] = [];
  if (!draft.moduleSource) return [check('index.ts compiles', false, 'A function-based agent needs index.ts.')];
  const dir = path.join(root, sourcePath);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.ts'), draft.moduleSource, 'utf8');
  let module: FunctionAgentModule;
  try {
    module = await loadFunctionAgent(dir, { cacheDir: path.join(root, '.cache') });
    checks.push(
      check(
        'index.ts compiles',
        true,
        'Type-stripped, no runtime imports, default export with inputSchema, parseTask and run.',
      ),
    );
  } catch (err) {
    return [check('index.ts compiles', false, (err as Error).message)];
  }
  if (!draft.inputSchemaSource)
    return [...checks, check('input schema', false, 'schema.ts (the input schema) is missing.')];
  try {
    const schema = await compileInputSchema(draft.inputSchemaSource, root);
    for (const task of tasks) {
      const parsed = await module.parseTask(task, functionAgentContext({ now: new Date() }));
      if (!('input' in parsed)) {
        checks.push(check('input schema', false, `parseTask could not read the sample task: ${parsed.question}`));
        continue;
      }
      const result = schema.safeParse(parsed.input);
      checks.push(
        check(
          'input schema',
          result.success,
          result.success
            ? 'schema.ts accepts the input parsed from the sample task.'
            : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        ),
      );
    }
  } catch (err) {
    checks.push(check('input schema', false, `schema.ts: ${(err as Error).message}`));
  }
  return checks;
}

/** Sample tasks: the template's and the department's, or one made from the request. */
export function sampleTasks(spec: AgentSpec): string[] {
  const tasks = [
    ...templateById(spec.template).sampleTasks,
    ...(departmentProfile(spec.department)?.sampleTasks ?? []),
  ];
  if (tasks.length === 0)
    tasks.push(
      `${spec.description} Take a typical case and show what you would deliver, and what you would need from me.`,
    );
  return tasks.slice(0, 2);
}

/**
 * Said in an offline validation's summary (the build card and the approval show it). The chat's
 * build messages say it in their one offline notice instead, so they take it out of the summary.
 */
export const OFFLINE_SAMPLES_NOTE =
  'No language model is configured: the sample answers are offline drafts (the work brief built from the Context.md), so what was checked is that the agent loads, its files are valid and it answers in its own format — not the quality of real answers.';

function summarize(checks: Check[], tasks: TaskResult[], offline: boolean): string {
  const passedChecks = checks.filter((c) => c.passed).length;
  const passedTasks = tasks.filter((t) => t.passed).length;
  const failing = [
    ...checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`),
    ...tasks
      .filter((t) => !t.passed)
      .map(
        (t) =>
          `sample task “${t.task.slice(0, 60)}”: ${t.checks
            .filter((c) => !c.passed)
            .map((c) => c.detail)
            .join('; ')}`,
      ),
  ];
  return [
    `${passedChecks} of ${checks.length} file checks passed (${checks.map((c) => c.name).join(', ')}); ${passedTasks} of ${tasks.length} sample task(s) answered.`,
    ...(offline && tasks.some((t) => t.work === 'offline_draft') ? [OFFLINE_SAMPLES_NOTE] : []),
    ...(failing.length ? [`Failing: ${failing.join(' · ')}`] : []),
  ].join(' ');
}

/**
 * Validates a draft that is not deployed: file checks, then sample tasks run through
 * `executeAgent` against the draft itself (function modules from a scratch folder).
 */
export async function validateDraft(
  deps: ValidateDeps,
  spec: AgentSpec,
  draft: AgentDraft,
  usage: UsageContext,
): Promise<AgentValidation> {
  const registry = deps.registry();
  const checks = checkDraftFiles(registry, spec, draft);
  const root = path.join(deps.scratchDir ?? path.join(os.tmpdir(), 'orchestrator-agent-builds'), randomUUID());
  const sourcePath = `${draft.definition.department}/${draft.definition.name}`;
  const tasks: TaskResult[] = [];
  const samples = sampleTasks(spec);
  try {
    await mkdir(root, { recursive: true });
    if (draft.definition.type === 'function')
      checks.push(...(await checkFunctionModule(draft, root, sourcePath, samples)));
    // Sample tasks only run on files that passed: a broken definition is not worth executing.
    if (checks.every((c) => c.passed)) {
      const agent: LoadedAgent = {
        definition: draft.definition,
        contextMd: draft.contextMd,
        sourcePath,
        contentHash: '',
      };
      for (const task of samples) tasks.push(await runSample({ ...deps, agentsDir: root }, agent, task, usage));
    }
  } finally {
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
  const passed = checks.every((c) => c.passed) && tasks.length > 0 && tasks.every((t) => t.passed);
  return { passed, summary: summarize(checks, tasks, !deps.llm.chatModel), checks, tasks };
}

async function runSample(
  deps: AgentRuntimeDeps,
  agent: LoadedAgent,
  task: string,
  usage: UsageContext,
): Promise<TaskResult> {
  const started = Date.now();
  try {
    const out = await executeAgent(deps, {}, agent, task, {
      usage,
      delegatedBy: 'the agent builder (a validation run before deployment)',
    });
    if (out.kind === 'needs_input') {
      return {
        task,
        passed: false,
        output: out.question.slice(0, PREVIEW_CHARS),
        work: agent.definition.type === 'function' ? 'function' : 'context_llm',
        checks: [check('answered', false, `The agent asked for input instead: ${out.question}`)],
        durationMs: Date.now() - started,
      };
    }
    const body = out.text.replace(/^\*\*[^\n]*\n+/, '').trim();
    const checks = [
      check(
        'answered',
        body.length >= 20,
        body.length >= 20 ? `${out.text.length} characters.` : 'The answer is empty or too short.',
      ),
    ];
    if (out.work === 'offline_draft')
      checks.push(
        check(
          'marked as offline draft',
          /offline draft/i.test(out.text),
          'The answer says it is an offline draft, not model output.',
        ),
      );
    return {
      task,
      passed: checks.every((c) => c.passed),
      output: out.text.slice(0, PREVIEW_CHARS),
      work: out.work,
      checks,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    return {
      task,
      passed: false,
      output: '',
      work: agent.definition.type === 'function' ? 'function' : deps.llm.chatModel ? 'context_llm' : 'offline_draft',
      // Stored with the build and shown in its approval: a provider's error can echo the API key.
      checks: [check('ran without error', false, redactedMessage(err))],
      durationMs: Date.now() - started,
    };
  }
}
