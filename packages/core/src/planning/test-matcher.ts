import type { AgentRegistry } from '../registry/registry.js';
import { overlap, stem, stems } from './text.js';
import type { AgentMatcher } from './types.js';

/** Capability words too common to say anything on their own. */
const GENERIC = new Set(['review', 'analysis', 'plan', 'management', 'check', 'writing', 'design', 'report'].map(stem));

/**
 * A deterministic stand-in for the BM25 matcher, for tests and offline demos: a specialist that
 * lists the capability wins (score 1); otherwise the specialist capability sharing the most
 * meaningful words with the need (relative to the shorter of the two), if most of them match;
 * otherwise null (a capability gap).
 */
export function createTestMatcher(
  registry: AgentRegistry,
  options: { unavailable?: readonly string[] } = {},
): AgentMatcher {
  const unavailable = new Set(options.unavailable ?? []);
  const specialists = registry.agents.filter((a) => a.definition.type !== 'orchestrator');
  return ({ capability, department, exclude }) => {
    const pool = specialists.filter((a) => !exclude?.includes(a.definition.name));
    const ordered = [
      ...pool.filter((a) => a.definition.department === department),
      ...pool.filter((a) => a.definition.department !== department),
    ];
    const exact = ordered.find((a) => a.definition.capabilities.includes(capability));
    if (exact) return { agent: exact.definition.name, score: 1, available: !unavailable.has(exact.definition.name) };
    const want = stems(capability).filter((s) => !GENERIC.has(s));
    if (want.length === 0) return null;
    let best: { agent: string; score: number } | null = null;
    for (const a of ordered) {
      for (const c of a.definition.capabilities) {
        const has = stems(c).filter((s) => !GENERIC.has(s));
        const score = has.length ? overlap(has, want) / Math.min(has.length, want.length) : 0;
        if (score > (best?.score ?? 0)) best = { agent: a.definition.name, score };
      }
    }
    return best && best.score >= 0.6 ? { ...best, available: !unavailable.has(best.agent) } : null;
  };
}
