import type { CandidateScore } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import type { CapabilityIndex } from '../routing/capability-index.js';
import type { AgentLoadInfo } from './ports.js';

export interface RouteInput {
  task: string;
  registry: AgentRegistry;
  index: CapabilityIndex;
  loads: Map<string, AgentLoadInfo>;
  /** The intent's best agent, if it named one. */
  preferred?: string | null;
  /** The agent this conversation last delegated to (follow-ups stay with it). */
  sticky?: string | null;
  /** Agents already tried for this task. */
  exclude?: string[];
  /**
   * Agents worth waiting for when they are at capacity rather than giving the task to a less
   * suited one (function agents: their tasks take moments). The caller then waits for a slot.
   */
  waitable?: (agent: string) => boolean;
}

export interface RouteDecision {
  agent: string;
  candidates: CandidateScore[];
  reason: string;
}

/** Scores within this fraction of the best are "equally capable": load decides between them. */
const TIE_BAND = 0.15;
/** A sticky agent keeps the conversation while it scores at least this share of the best. */
const STICKY_SHARE = 0.5;
const MIN_SCORE = 0.05;

/**
 * An agent whose improvement waits for approval keeps working with its current Context.md (a
 * proposal can wait for hours); one still being created, offline or retired takes nothing.
 */
const WORKING: ReadonlySet<AgentLoadInfo['status']> = new Set(['online', 'busy', 'being_improved']);
const isAvailable = (info: AgentLoadInfo | undefined): boolean =>
  !!info && WORKING.has(info.status) && info.load < info.maxConcurrent;

function candidate(
  registry: AgentRegistry,
  loads: Map<string, AgentLoadInfo>,
  agent: string,
  score: number,
): CandidateScore {
  const def = registry.get(agent)?.definition;
  const info = loads.get(agent);
  return {
    agent,
    title: def?.title ?? agent,
    score: Math.max(0, Math.min(1, score)),
    load: info?.load ?? 0,
    maxConcurrent: info?.maxConcurrent ?? def?.limits.maxConcurrent ?? 1,
    available: isAvailable(info),
  };
}

/**
 * Chooses the agent for a task (docs/architecture.md#a-message-end-to-end): capability match first,
 * conversation stickiness for follow-ups, the least-loaded among equally capable agents, and the
 * department's manager when no capable agent is available. Returns undefined when nobody in the
 * organisation fits.
 */
export function routeTask(input: RouteInput): RouteDecision | undefined {
  const { registry, loads } = input;
  const exclude = new Set(input.exclude ?? []);
  const ranked = input.index.rank(input.task, { limit: 6 }).filter((r) => registry.get(r.agent));
  const scores = new Map(ranked.map((r) => [r.agent, r.score]));
  for (const name of [input.preferred, input.sticky]) {
    // The intent or the conversation may name an agent the text alone ranks low.
    if (name && registry.get(name) && !scores.has(name)) scores.set(name, MIN_SCORE);
  }
  const candidates = [...scores.entries()]
    .map(([agent, score]) => candidate(registry, loads, agent, score))
    .sort((a, b) => b.score - a.score);
  const best = candidates[0];
  if (!best || best.score < MIN_SCORE) return undefined;
  const waitable = (c: CandidateScore) => {
    const info = loads.get(c.agent);
    return !!info && WORKING.has(info.status) && info.maxConcurrent > 0 && (input.waitable?.(c.agent) ?? false);
  };
  const usable = candidates.filter((c) => (c.available || waitable(c)) && !exclude.has(c.agent));

  const sticky = input.sticky ? usable.find((c) => c.agent === input.sticky) : undefined;
  if (sticky && sticky.score >= best.score * STICKY_SHARE) {
    return { agent: sticky.agent, candidates, reason: `Follow-up in this conversation: staying with ${sticky.title}.` };
  }
  const preferred = input.preferred ? usable.find((c) => c.agent === input.preferred) : undefined;
  const top = usable.filter((c) => c.score >= best.score * (1 - TIE_BAND));
  if (top.length > 0) {
    const ratio = (c: CandidateScore) => c.load / c.maxConcurrent;
    const leastLoaded = [...top].sort((a, b) => ratio(a) - ratio(b) || b.score - a.score)[0]!;
    const chosen =
      preferred && top.includes(preferred) && ratio(preferred) <= ratio(leastLoaded) ? preferred : leastLoaded;
    const bestUsable = usable.includes(best);
    const reason =
      chosen.agent === best.agent
        ? `Best capability match (${Math.round(chosen.score * 100)}%).`
        : bestUsable
          ? `${chosen.title} matches as well as ${best.title} and has more free capacity (${chosen.load}/${chosen.maxConcurrent}).`
          : `${best.title} is unavailable; ${chosen.title} has the same capability.`;
    const waiting = chosen.available
      ? ''
      : ` It is busy (${chosen.load}/${chosen.maxConcurrent}) with tasks that take moments: this one waits for a free slot.`;
    return { agent: chosen.agent, candidates, reason: reason + waiting };
  }
  // Nobody capable is free: the manager of the best match takes it.
  const manager = registry.manager(best.agent);
  if (manager && !exclude.has(manager.definition.name)) {
    return {
      agent: manager.definition.name,
      candidates,
      reason: `${best.title} is unavailable and no alternative is free: ${manager.definition.title} (its manager) takes it.`,
    };
  }
  return undefined;
}
