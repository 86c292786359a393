import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeTask } from '../delegation/router.js';
import type { AgentLoadInfo } from '../delegation/ports.js';
import { createOfflineIntentClassifier } from '../intent/index.js';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { CapabilityIndex } from '../routing/capability-index.js';

/**
 * `pnpm bench`: per-message latency of intent recognition + delegation routing with the offline
 * model, over the shipped holdout messages (and the shared dev set when it is beside the repo).
 * Prints figures and ends with one line of JSON.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ROUNDS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function messages(): Array<{ text: string; history: Array<{ role: 'user' | 'assistant'; content: string }> }> {
  const files = [
    path.join(root, 'packages/core/data/intent-holdout.jsonl'),
    path.join(root, '../shared/eval/intents.dev.jsonl'),
  ].filter((f) => existsSync(f));
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; history?: Array<{ role: 'user' | 'assistant'; content: string }> })
      .map((r) => ({ text: r.text, history: r.history ?? [] })),
  );
}

async function main(): Promise<void> {
  const registry = AgentRegistry.from(await loadAgentRegistry(path.join(root, 'agents')));
  const buildStart = performance.now();
  const index = new CapabilityIndex(registry);
  const classifier = createOfflineIntentClassifier(registry, index);
  const buildMs = performance.now() - buildStart;
  const loads = new Map<string, AgentLoadInfo>(
    registry.agents.map((a) => [
      a.definition.name,
      { load: 0, maxConcurrent: a.definition.limits.maxConcurrent, status: 'online' },
    ]),
  );
  const inputs = messages();
  const intentMs: number[] = [];
  const routeMs: number[] = [];
  const totalMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const input of inputs) {
      const t0 = performance.now();
      const intent = await classifier.classify(input);
      const t1 = performance.now();
      routeTask({ task: input.text, registry, index, loads, preferred: intent.agent });
      const t2 = performance.now();
      if (round > 0) {
        // Round 0 warms the JIT; it is not measured.
        intentMs.push(t1 - t0);
        routeMs.push(t2 - t1);
        totalMs.push(t2 - t0);
      }
    }
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return {
      p50: +percentile(s, 50).toFixed(3),
      p95: +percentile(s, 95).toFixed(3),
      max: +s[s.length - 1]!.toFixed(3),
    };
  };
  const intent = stats(intentMs);
  const routing = stats(routeMs);
  const total = stats(totalMs);
  console.log(
    `Offline intent + routing over ${inputs.length} messages × ${ROUNDS - 1} rounds (${totalMs.length} samples), ${registry.size} agents`,
  );
  console.log(`  model build (index + classifier): ${buildMs.toFixed(1)} ms`);
  console.log(`  intent recognition  p50 ${intent.p50} ms   p95 ${intent.p95} ms   max ${intent.max} ms`);
  console.log(`  delegation routing  p50 ${routing.p50} ms   p95 ${routing.p95} ms   max ${routing.max} ms`);
  console.log(`  intent + routing    p50 ${total.p50} ms   p95 ${total.p95} ms   (target < 20 ms; seed bar < 1 s)`);
  console.log(
    JSON.stringify({
      messages: inputs.length,
      samples: totalMs.length,
      build_ms: +buildMs.toFixed(1),
      intent_p50_ms: intent.p50,
      intent_p95_ms: intent.p95,
      routing_p50_ms: routing.p50,
      routing_p95_ms: routing.p95,
      intent_routing_p50_ms: total.p50,
      intent_routing_p95_ms: total.p95,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
