import type { AgentMatcher } from '../planning/index.js';
import type { AgentRegistry } from '../registry/registry.js';
import type { CapabilityIndex } from '../routing/capability-index.js';
import type { AgentLoadInfo } from './ports.js';

/** Below this normalised score a match is treated as "nobody can do it" (a capability gap). */
export const GAP_THRESHOLD = 0.15;

/**
 * The planner's view of the workforce: an exact capability id wins, otherwise the best BM25
 * match (within the department when given), with live availability.
 */
export function createAgentMatcher(
  registry: AgentRegistry,
  index: CapabilityIndex,
  loads: Map<string, AgentLoadInfo>,
): AgentMatcher {
  const available = (agent: string) => {
    const info = loads.get(agent);
    return !!info && (info.status === 'online' || info.status === 'busy') && info.load < info.maxConcurrent;
  };
  return ({ capability, text, department, exclude }) => {
    const skip = new Set(exclude ?? []);
    const exact = registry.agents.filter(
      (a) =>
        a.definition.type !== 'orchestrator' &&
        !skip.has(a.definition.name) &&
        a.definition.capabilities.includes(capability),
    );
    const inDept = exact.filter((a) => !department || a.definition.department === department);
    const direct = (inDept.length ? inDept : exact).sort(
      (a, b) => Number(available(b.definition.name)) - Number(available(a.definition.name)),
    )[0];
    if (direct) return { agent: direct.definition.name, score: 1, available: available(direct.definition.name) };
    // The capability itself must match: incidental words of the request ("website", "docs")
    // must not turn a missing capability into a weak assignment.
    const need = capability.replace(/_/g, ' ');
    const dept = department && !department.startsWith('new:') ? department : undefined;
    const capable = (d?: string) =>
      index
        .rank(need, { department: d, limit: 5 + skip.size })
        .filter((r) => !skip.has(r.agent) && r.score >= GAP_THRESHOLD);
    const pool = capable(dept).length ? capable(dept) : capable();
    if (pool.length === 0) return null;
    // Among agents that have the capability, the request's wording picks the closest.
    const context = new Map(index.rank(`${need} ${text}`, { limit: 10 }).map((r) => [r.agent, r.score]));
    const ranked = [...pool].sort(
      (a, b) => (context.get(b.agent) ?? 0) - (context.get(a.agent) ?? 0) || b.score - a.score,
    )[0]!;
    return { agent: ranked.agent, score: ranked.score, available: available(ranked.agent) };
  };
}
