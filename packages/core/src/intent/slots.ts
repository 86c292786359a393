import type { Intent } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { STRONG_MATCH, WEAK_MATCH, type MessageAnalysis } from './analysis.js';
import { detectGapAreas, type GapHit } from '../routing/gaps.js';
import type { ModelPrediction, Prediction } from './model.js';

/** The parts of an IntentResult that follow from the intent: who, where, how big, how long. */
export interface Slots {
  department: string | null;
  agent: string | null;
  capabilityGap: boolean;
  scope: 'project' | 'task' | null;
  horizon: 'short_term' | 'long_term' | null;
}

/**
 * A gap phrase outweighs the best agent when the agent match is not strong, when the gap is, or
 * when the department model (which learnt from whole requests) also puts it in that gap area.
 */
function gapWins(gap: GapHit | undefined, bestScore: number, departments: Prediction<string>[]): gap is GapHit {
  if (!gap || gap.strength < 2) return false;
  if (bestScore < STRONG_MATCH || gap.strength >= 4) return true;
  const top = departments[0];
  return top?.label === `new:${gap.area}` && top.p >= 0.5;
}

const isExisting = (d: string) => d !== 'cross' && !d.startsWith('new:');

function bestDepartment(departments: Prediction<string>[], allow: (d: string) => boolean): string | null {
  return departments.find((d) => allow(d.label))?.label ?? null;
}

function firstAgent(a: MessageAnalysis, registry: AgentRegistry, specialistsOnly: boolean): string | null {
  for (const m of a.mentions) {
    if (m.kind !== 'agent') continue;
    if (specialistsOnly && registry.get(m.name)?.definition.type === 'orchestrator') continue;
    return m.name;
  }
  return null;
}

/**
 * How much the learnt agent model counts next to the capability index. The index knows every
 * agent's declared capabilities (also agents added after training); the model knows how people
 * phrase requests for the agents it was trained on ("tweets" → social media manager).
 */
export const AGENT_MODEL_WEIGHT = 0.5;

interface Candidate {
  agent: string;
  department: string;
  /** Capability-index score (0..1), which decides whether anyone can do the work at all. */
  score: number;
  combined: number;
}

/** The best specialist for a task: index and learnt model combined, with history for follow-ups. */
function bestMatch(
  a: MessageAnalysis,
  registry: AgentRegistry,
  agents: Prediction<string>[],
  specialistsOnly = true,
): Candidate | undefined {
  const own = a.matches[0];
  const matches = !a.history.hasHistory || (own && own.score >= STRONG_MATCH) ? a.matches : a.resolvedMatches;
  const byAgent = new Map<string, Candidate>();
  for (const m of matches)
    byAgent.set(m.agent, { agent: m.agent, department: m.department, score: m.score, combined: m.score });
  for (const p of agents.slice(0, 5)) {
    const def = registry.get(p.label)?.definition;
    if (!def || (specialistsOnly && def.type === 'orchestrator')) continue;
    const c = byAgent.get(p.label) ?? { agent: p.label, department: def.department, score: 0, combined: 0 };
    c.combined += AGENT_MODEL_WEIGHT * p.p;
    byAgent.set(p.label, c);
  }
  return [...byAgent.values()].sort((x, y) => y.combined - x.combined)[0];
}

function delegateSlots(
  a: MessageAnalysis,
  registry: AgentRegistry,
  departments: Prediction<string>[],
  agents: Prediction<string>[],
): Pick<Slots, 'agent' | 'department' | 'capabilityGap'> {
  const named = firstAgent(a, registry, true);
  if (named) return { agent: named, department: registry.get(named)!.definition.department, capabilityGap: false };
  const best = bestMatch(a, registry, agents);
  const gap =
    a.gaps[0] ??
    (a.history.hasHistory ? detectGapAreas(`${a.history.lastUser} ${a.history.chosenOption ?? ''}`)[0] : undefined);
  if (gapWins(gap, best?.score ?? 0, departments))
    return { agent: null, department: `new:${gap.area}`, capabilityGap: true };
  if (best && (best.score >= WEAK_MATCH || best.combined >= WEAK_MATCH + AGENT_MODEL_WEIGHT / 2))
    return { agent: best.agent, department: best.department, capabilityGap: false };
  // Nobody matches: the department model's best guess, flagged as a gap.
  return { agent: null, department: bestDepartment(departments, (d) => d !== 'cross'), capabilityGap: true };
}

function improveSlots(
  a: MessageAnalysis,
  registry: AgentRegistry,
  agents: Prediction<string>[],
): Pick<Slots, 'agent' | 'department' | 'capabilityGap'> {
  const agent =
    a.leadingAgent ??
    firstAgent(a, registry, false) ??
    a.history.agents[0] ??
    bestMatch(a, registry, agents, false)?.agent ??
    null;
  return {
    agent,
    department: agent ? (registry.get(agent)?.definition.department ?? null) : null,
    capabilityGap: false,
  };
}

function buildDepartment(a: MessageAnalysis, departments: Prediction<string>[]): string | null {
  const gap =
    a.gaps[0] ??
    (a.history.hasHistory ? detectGapAreas(`${a.history.lastUser} ${a.history.lastAssistant}`)[0] : undefined);
  if (gapWins(gap, a.matches[0]?.score ?? 0, departments)) return `new:${gap.area}`;
  const dept = a.mentions.find((m) => m.kind === 'department');
  if (dept && !gap) return dept.name;
  return bestDepartment(departments, (d) => d !== 'cross');
}

function projectDepartment(departments: Prediction<string>[]): string | null {
  return bestDepartment(departments, (d) => isExisting(d) || d === 'cross');
}

function horizonOf(a: MessageAnalysis, intent: Intent): Slots['horizon'] {
  const long = a.cues.some((c) => c === 'timespan_long' || c === 'permanent' || c === 'recurring');
  switch (intent) {
    case 'BUILD_AGENT':
      return 'long_term';
    case 'CREATE_PROJECT':
      return a.cues.includes('timespan_short') && !long ? 'short_term' : 'long_term';
    case 'DELEGATE':
    case 'IMPROVE_AGENT':
      return long ? 'long_term' : 'short_term';
    default:
      return null;
  }
}

/** Fills department, agent, gap flag, scope and horizon for a decided intent. */
export function fillSlots(
  a: MessageAnalysis,
  intent: Intent,
  registry: AgentRegistry,
  prediction: Pick<ModelPrediction, 'departments' | 'agents'>,
): Slots {
  const { departments, agents } = prediction;
  const horizon = horizonOf(a, intent);
  switch (intent) {
    case 'DELEGATE':
      return { ...delegateSlots(a, registry, departments, agents), scope: 'task', horizon };
    case 'IMPROVE_AGENT':
      return { ...improveSlots(a, registry, agents), scope: 'task', horizon };
    case 'BUILD_AGENT':
      return { agent: null, department: buildDepartment(a, departments), capabilityGap: true, scope: 'task', horizon };
    case 'CREATE_PROJECT':
      return {
        agent: null,
        department: projectDepartment(departments),
        capabilityGap:
          a.segmentDepartments.some((d) => d.startsWith('new:')) ||
          a.gaps.some((g) => g.strength >= 2 && (a.matches[0]?.score ?? 0) < STRONG_MATCH),
        scope: 'project',
        horizon,
      };
    default:
      return { agent: null, department: null, capabilityGap: false, scope: null, horizon: null };
  }
}
