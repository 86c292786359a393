import type { AgentRegistry } from '../registry/registry.js';
import { buildAgentStep, findAgent } from './gaps.js';
import type { AgentMatcher, DraftStep, TemplateStep } from './types.js';

const needText = (s: { name: string; description: string }): string => `${s.name}. ${s.description}`;

/**
 * Puts an agent on every step that needs a capability. A capability nobody has (no match, or a
 * weak one) gets one `build_agent` step listed first; the steps that need it depend on it and
 * keep `assignedAgent: null` until the new agent exists.
 */
export function assignAgents(
  steps: readonly TemplateStep[],
  registry: AgentRegistry,
  match: AgentMatcher,
): DraftStep[] {
  const drafts: DraftStep[] = [];
  const gaps = new Map<string, DraftStep[]>();
  for (const s of steps) {
    const draft: DraftStep = {
      id: s.id,
      name: s.name,
      description: s.description,
      type: s.type,
      department: s.department,
      dependsOn: [...s.dependsOn],
      assignedAgent: null,
      assignedHuman: null,
      collaboration: s.collaboration ?? null,
      capability: s.capability,
      riskLevel: s.riskLevel,
      estimatedDuration: { ...s.duration },
    };
    if (s.agent && registry.get(s.agent)) {
      draft.assignedAgent = s.agent;
    } else if (s.type === 'standard' && s.capability !== null) {
      const found = findAgent(
        { capability: s.capability, text: needText(s), department: s.department },
        registry,
        match,
      );
      if (found) {
        draft.assignedAgent = found.agent;
        draft.capability = found.capability;
      } else {
        gaps.set(s.capability, [...(gaps.get(s.capability) ?? []), draft]);
      }
    }
    drafts.push(draft);
  }
  const taken = new Set(drafts.map((d) => d.id));
  const builds: DraftStep[] = [];
  for (const [capability, neededBy] of gaps) {
    const build = buildAgentStep(capability, neededBy, taken);
    taken.add(build.id);
    builds.push(build);
    for (const s of neededBy) s.dependsOn = [build.id, ...s.dependsOn];
  }
  return [...builds, ...drafts];
}
