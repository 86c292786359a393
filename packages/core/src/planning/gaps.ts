import type { AgentRegistry } from '../registry/registry.js';
import { days } from './templates/helpers.js';
import { overlap, stems } from './text.js';
import type { AgentMatch, AgentMatcher, AgentNeed, DraftStep } from './types.js';
import { MIN_MATCH_SCORE } from './types.js';

/** Areas the default workforce deliberately lacks (see eval/README): named so a build step can say what it builds. */
export interface GapArea {
  area: string;
  capability: string;
  label: string;
  pattern: RegExp;
}

export const GAP_AREAS: GapArea[] = [
  {
    area: 'localization',
    capability: 'localization',
    label: 'localization',
    pattern: /\b(?:locali[sz]\w*|translat\w*|i18n|l10n)\b/i,
  },
  {
    area: 'legal',
    capability: 'legal_review',
    label: 'legal',
    pattern: /\b(?:legal|lawyers?|counsel|gdpr|trademarks?|terms of service|privacy policy|litigation|contract law)\b/i,
  },
  {
    area: 'security',
    capability: 'security_audit',
    label: 'security audit',
    pattern:
      /\b(?:security (?:audit|assessment|review)|pen(?:etration)?[- ]?test\w*|vulnerabilit\w*|soc ?2|iso ?27001|threat model\w*)\b/i,
  },
  {
    area: 'design',
    capability: 'visual_design',
    label: 'visual design',
    pattern:
      /\b(?:visual design|graphic design|graphics?|logos?|mock-?ups?|illustrations?|brand identity|ui design|designers?)\b/i,
  },
  {
    area: 'sales',
    capability: 'sales_outreach',
    label: 'sales',
    pattern: /\b(?:sales|prospect\w*|lead gen\w*|outbound|quota|crm)\b/i,
  },
  {
    area: 'customer_support',
    capability: 'customer_support',
    label: 'customer support',
    pattern: /\b(?:customer (?:support|service)|support tickets?|help ?desk for customers|support team)\b/i,
  },
];

export const gapAreaFor = (text: string): GapArea | null => GAP_AREAS.find((g) => g.pattern.test(text)) ?? null;

export const gapAreaOfCapability = (capability: string): GapArea | null =>
  GAP_AREAS.find((g) => g.capability === capability) ?? gapAreaFor(capability.replace(/_/g, ' '));

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
