import type { PlanStep } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import type { CriticalPath } from './critical-path.js';
import { formatDuration, fromMinutes } from './duration.js';
import { MIN_MATCH_SCORE, type AgentMatcher } from './types.js';
import type { Deadline } from './request.js';
import { entries } from './steps.js';
import { joinOr } from './text.js';

/** Steps waiting for a person listed by name in the warning; more are counted instead. */
const MAX_LISTED_PEOPLE = 4;

/** Warnings recomputed from the plan on every revision; the rest (e.g. market assumptions) are kept. */
const DERIVED_PREFIXES = ['Unavailable:', 'Capability gap:', 'No agent:', 'People to name:', 'Timeline:'] as const;
export const isDerivedWarning = (w: string): boolean => DERIVED_PREFIXES.some((p) => w.startsWith(p));

const agentLabel = (registry: AgentRegistry, name: string): string => {
  const title = registry.get(name)?.definition.title;
  return title ? `${title} (${name})` : name;
};

/** Asks the matcher about each assigned step: only its own verdict on that agent counts. */
function availabilityWarnings(steps: PlanStep[], registry: AgentRegistry, match: AgentMatcher): string[] {
  const out: string[] = [];
  for (const { step } of entries(steps)) {
    if (!step.assignedAgent || step.type === 'subproject' || step.capability === null) continue;
    const need = {
      capability: step.capability,
      text: `${step.name}. ${step.description}`,
      department: step.department,
    };
    const m = match(need);
    if (!m || m.agent !== step.assignedAgent || m.available) continue;
    const alt = match({ ...need, exclude: [m.agent] });
    const boss = registry.manager(m.agent)?.definition.name;
    const fallback =
      alt && alt.agent !== m.agent && alt.available && alt.score >= MIN_MATCH_SCORE && registry.get(alt.agent)
        ? `${agentLabel(registry, alt.agent)} could take it instead`
        : boss
          ? `no other available agent fits; its manager ${agentLabel(registry, boss)} can reassign it`
          : 'no other available agent fits';
    out.push(
      `Unavailable: ${agentLabel(registry, m.agent)} is busy or offline right now; "${step.name}" stays assigned to it — ${fallback}.`,
    );
  }
  return out;
}

function gapWarnings(steps: PlanStep[]): string[] {
  const all = entries(steps).map((e) => e.step);
  const waiting = all.filter(
    (s) => s.type === 'standard' && s.capability !== null && s.assignedAgent === null && s.assignedHuman === null,
  );
  const out: string[] = [];
  for (const build of all.filter((s) => s.type === 'build_agent')) {
    const needing = waiting.filter((s) => s.capability === build.capability).map((s) => `"${s.name}"`);
    out.push(
      `Capability gap: no agent can do "${build.capability}"${needing.length ? ` (needed by ${joinOr(needing, 'and')})` : ''}; "${build.name}" comes first and needs approval before the new agent is deployed.`,
    );
  }
  const built = new Set(all.filter((s) => s.type === 'build_agent').map((s) => s.capability));
  for (const s of waiting.filter((w) => !built.has(w.capability))) {
    out.push(`No agent: "${s.name}" needs "${s.capability}" and nobody is assigned — assign a person or an agent.`);
  }
  return out;
}

function peopleWarning(steps: PlanStep[]): string[] {
  const open = entries(steps)
    .map((e) => e.step)
    .filter((s) => s.assignedHuman === null && (s.type === 'human_approval' || s.collaboration !== null));
  if (open.length === 0) return [];
  const example = open.find((s) => s.type === 'human_approval') ?? open[0]!;
  const hint = `e.g. "assign the ${example.name.toLowerCase()} to Sarah"`;
  // A long list would repeat the plan: each of those steps says "Person to assign" where it is listed.
  if (open.length > MAX_LISTED_PEOPLE)
    return [`People to name: ${open.length} steps need a person (marked "Person to assign" below) — ${hint}.`];
  const list = open.map((s) => `${s.name} (${s.collaboration ?? 'approval'})`);
  return [`People to name: ${list.join(', ')} — ${hint}.`];
}

function timelineWarning(cp: CriticalPath, deadline: Deadline | null): string[] {
  if (!deadline) return [];
  if (deadline.minutes === null)
    return [
      `Timeline: "${deadline.label}" noted, but without today's date the plan (${formatDuration(cp.display)}) cannot be checked against it.`,
    ];
  if (cp.totalMinutes <= deadline.minutes) return [];
  return [
    `Timeline: the critical path is ${formatDuration(cp.display)}, longer than the deadline "${deadline.label}" (${formatDuration(fromMinutes(deadline.minutes))}) — shorten steps on it or move the date.`,
  ];
}

export function derivedWarnings(
  steps: PlanStep[],
  cp: CriticalPath,
  deadline: Deadline | null,
  registry: AgentRegistry,
  match: AgentMatcher,
): string[] {
  return [
    ...availabilityWarnings(steps, registry, match),
    ...gapWarnings(steps),
    ...peopleWarning(steps),
    ...timelineWarning(cp, deadline),
  ];
}
