import type { AgentRegistry } from '../registry/registry.js';
import { gapAreaOfCapability } from '../routing/gaps.js';
import { days } from './templates/helpers.js';
import { overlap, stems } from './text.js';
import type { AgentMatch, AgentMatcher, AgentNeed, DraftStep } from './types.js';
import { MIN_MATCH_SCORE } from './types.js';

/** The agent's capability closest to the words of a need (its first one when nothing overlaps). */
export function closestCapability(capabilities: readonly string[], text: string): string {
  const want = stems(text);
  let best = capabilities[0]!;
  let bestScore = 0;
  for (const c of capabilities) {
    const score = overlap(stems(c), want);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export interface Assignment {
  agent: string;
  capability: string;
  match: AgentMatch;
}

/** Trusts a match only above the threshold and only for an agent the registry knows. */
export function findAgent(need: AgentNeed, registry: AgentRegistry, match: AgentMatcher): Assignment | null {
  const m = match(need);
  if (!m || m.score < MIN_MATCH_SCORE) return null;
  const agent = registry.get(m.agent);
  if (!agent) return null;
  const caps = agent.definition.capabilities;
  const capability = caps.includes(need.capability)
    ? need.capability
    : closestCapability(caps, `${need.capability} ${need.text}`);
  return { agent: m.agent, capability, match: m };
}

/** A step that creates the missing agent; it comes first, the steps that need it wait for it. */
export function buildAgentStep(
  capability: string,
  neededBy: readonly DraftStep[],
  takenIds: ReadonlySet<string>,
): DraftStep {
  const area = gapAreaOfCapability(capability);
  const words = capability.replace(/_/g, ' ');
  const departments = [...new Set(neededBy.map((s) => s.department))];
  const department = area ? `new:${area.area}` : departments.length === 1 ? departments[0]! : null;
  let id = `build_${capability}`.slice(0, 52) + '_agent';
  for (let i = 2; takenIds.has(id); i++) id = `build_${capability}`.slice(0, 50) + `_agent_${i}`;
  return {
    id,
    name: area ? `Build a ${area.label} agent` : `Build an agent for ${words}`,
    description: `No agent in the workforce can do "${capability}". Draft the new agent (Context.md), validate it on sample tasks and deploy it once approved. Needed by: ${neededBy.map((s) => s.name).join(', ')}.`,
    type: 'build_agent',
    department,
    dependsOn: [],
    assignedAgent: null,
    assignedHuman: null,
    collaboration: 'approval',
    capability,
    riskLevel: 'high',
    estimatedDuration: days(2),
  };
}
