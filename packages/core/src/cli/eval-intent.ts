import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTENTS, type IntentExample, type IntentResult } from '@orchestrator/contracts';
import {
  computeMetrics,
  createOfflineIntentClassifier,
  parseIntentJsonl,
  percentile,
  type EvalMetrics,
  type IntentClassifier,
} from '../intent/index.js';
import { createLlmIntentClassifier } from '../intent/llm.js';
import { createLlmProvider, type LlmProviderName } from '../llm/provider.js';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { CapabilityIndex } from '../routing/capability-index.js';

/**
 * `pnpm eval:intent <file.jsonl> [--errors] [--llm] [--agents <dir>]`: scores the intent
 * classifier on a labelled JSONL file and ends with one line of JSON
 * (docs/offline-intent-model.md#5-retraining-and-evaluating).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const USAGE = 'usage: eval-intent <file.jsonl> [--errors] [--llm] [--agents <dir>]';

interface Args {
  file: string;
  errors: boolean;
  llm: boolean;
  agents: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { file: '', errors: false, llm: false, agents: path.join(ROOT, 'agents') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--errors') args.errors = true;
    else if (a === '--llm') args.llm = true;
    else if (a === '--agents') args.agents = path.resolve(argv[++i] ?? '');
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else args.file = a;
  }
  if (!args.file) throw new Error(USAGE);
  return args;
}

/** The provider the API would use (same variables), or undefined when none is configured. */
function llmFromEnv(env: NodeJS.ProcessEnv) {
  const name =
    env.LLM_PROVIDER && env.LLM_PROVIDER !== 'auto'
      ? env.LLM_PROVIDER
      : env.OPENAI_API_KEY || env.LLM_BASE_URL
        ? 'openai'
        : env.ANTHROPIC_API_KEY
          ? 'anthropic'
          : env.OLLAMA_BASE_URL
            ? 'ollama'
            : 'offline';
  if (name === 'offline') return undefined;
  const provider = createLlmProvider({
    provider: name as LlmProviderName,
    model: env.LLM_MODEL,
    apiKey: name === 'anthropic' ? env.ANTHROPIC_API_KEY : env.OPENAI_API_KEY,
    baseUrl: name === 'ollama' ? env.OLLAMA_BASE_URL : env.LLM_BASE_URL,
  });
  return provider.chatModel;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const round = (x: number | null, digits = 4): number | null => (x === null ? null : Number(x.toFixed(digits)));

function report(
  m: EvalMetrics,
  latencies: number[],
  examples: IntentExample[],
  predictions: IntentResult[],
  showErrors: boolean,
): void {
  const out: string[] = [];
  out.push(`intent accuracy      ${pct(m.accuracy)}  (${m.n} messages)`);
  out.push(`department accuracy  ${pct(m.departmentAccuracy)}  (${m.departmentN} labelled)`);
  out.push(`agent accuracy       ${pct(m.agentAccuracy)}  (${m.agentN} labelled)`, '');
  out.push(
    `${'intent'.padEnd(16)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'f1'.padStart(6)} ${'n'.padStart(4)}`,
  );
  for (const c of INTENTS) {
    const s = m.perIntent[c];
    out.push(
      `${c.padEnd(16)} ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(7)} ${s.f1.toFixed(3).padStart(6)} ${String(s.support).padStart(4)}`,
    );
  }
  const short = (c: string) => c.slice(0, 8);
  out.push(
    '',
    'confusion (rows: expected, columns: predicted)',
    `${''.padEnd(16)}${INTENTS.map((c) => short(c).padStart(9)).join('')}`,
  );
  for (const e of INTENTS)
    out.push(`${e.padEnd(16)}${INTENTS.map((p) => String(m.confusion[e][p]).padStart(9)).join('')}`);
  const sorted = [...latencies].sort((a, b) => a - b);
  out.push(
    '',
    `latency per message  p50 ${percentile(sorted, 50).toFixed(2)} ms  p95 ${percentile(sorted, 95).toFixed(2)} ms`,
  );
  if (showErrors) {
    out.push('', 'misclassified: intent, department or agent wrong (id: expected → got, confidence)');
    examples.forEach((e, i) => {
      const p = predictions[i]!;
      const wrongDept = e.department !== undefined && p.department !== e.department;
      const wrongAgent = e.agent !== undefined && p.agent !== e.agent;
      if (p.intent === e.intent && !wrongDept && !wrongAgent) return;
      const label = (x: { intent: string; department?: string | null; agent?: string | null }) =>
        [x.intent, x.department, x.agent].filter(Boolean).join('/');
      out.push(
        `  ${e.id ?? `#${i + 1}`}: ${label(e)} → ${label(p)} (${p.confidence.toFixed(2)})  ${JSON.stringify(e.text.length > 90 ? `${e.text.slice(0, 87)}...` : e.text)}`,
      );
    });
  }
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { examples, errors } = parseIntentJsonl(readFileSync(path.resolve(args.file), 'utf8'));
  for (const e of errors) console.error(`${args.file}:${e.line}: ${e.message}`);
  if (examples.length === 0) throw new Error(`${args.file}: no valid lines`);
  const loaded = await loadAgentRegistry(args.agents);
  for (const p of loaded.problems) console.error(`agents: ${p.path}: ${p.message}`);
  const registry = AgentRegistry.from(loaded);
  const started = performance.now();
  const index = new CapabilityIndex(registry);
  let classifier: IntentClassifier = createOfflineIntentClassifier(registry, index);
  console.log(`offline model trained in ${(performance.now() - started).toFixed(0)} ms`);
  if (args.llm) {
    const model = llmFromEnv(process.env);
    if (model) classifier = createLlmIntentClassifier(model, registry, { fallback: classifier });
    else
      console.error(
        '--llm: no LLM provider configured (LLM_PROVIDER / OPENAI_API_KEY / ANTHROPIC_API_KEY / OLLAMA_BASE_URL); using the offline model',
      );
  }
  const predictions: IntentResult[] = [];
  const latencies: number[] = [];
  for (const e of examples) {
    const t = performance.now();
    predictions.push(await classifier.classify({ text: e.text, history: e.history ?? [] }));
    latencies.push(performance.now() - t);
  }
  const m = computeMetrics(examples, predictions);
  report(m, latencies, examples, predictions, args.errors);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      n: m.n,
      accuracy: round(m.accuracy),
      department_accuracy: round(m.departmentAccuracy),
      agent_accuracy: round(m.agentAccuracy),
      p50_ms: round(percentile(sorted, 50), 3),
      p95_ms: round(percentile(sorted, 95), 3),
    }),
  );
  if (errors.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
