import { departmentLabel, type AgentDefinition } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { MINUTES_PER_WEEK } from './duration.js';
import { gapAreaFor } from '../routing/gaps.js';
import { findAgent } from './gaps.js';
import type { RequestContext } from './request.js';
import { isOwningDepartment } from './group.js';
import { approval, days, step, weeks } from './templates/helpers.js';
import { capitalize, slug, stems, uniqueId } from './text.js';
import type { AgentMatcher, TemplateStep } from './types.js';

const MAX_WORK_ITEMS = 5;

/** Verbs that say nothing about the skill needed ("prepare a variance analysis" needs variance analysis). */
const FILLER_VERBS =
  /\b(?:prepare|write|create|draft|do|make|run|produce|put|get|handle|finish|complete|start|set|up|deliver|update|help|sort|work|on|out)\b/gi;

/** At most four meaningful words: what a skill is called, not the whole sentence. */
const capabilityOf = (item: string): string =>
  slug(item.replace(FILLER_VERBS, ' ')).split('_').slice(0, 4).join('_') || slug(item);

/** "Please can you plan a ..." → "a ...": the words that say what to do. */
export function stripPreamble(request: string): string {
  return request
    .trim()
    .replace(/^(?:(?:please|hey|hi|ok|okay)[,\s]+)*/i, '')
    .replace(/^(?:can|could|would)\s+you\s+(?:please\s+)?/i, '')
    .replace(/^(?:i|we)\s+(?:want|need|would like|'d like)\s+(?:you\s+)?to\s+/i, '')
    .replace(/^(?:help\s+(?:me|us)\s+|let'?s\s+)/i, '')
    .replace(
      /^(?:plan|organi[sz]e|run|set\s+up|create|start|kick\s+off|coordinate)\s+(?:a\s+(?:project|plan)\s+(?:to|for)\s+|(?:the|a|an|our)\s+(?:project|plan)\s+(?:to|for)\s+)?/i,
      '',
    )
    .replace(/[?!.]+$/, '')
    .trim();
}

/** The pieces of work a request lists: "audit X, draft Y and train Z" → three items. */
export function workItems(request: string, ctx: RequestContext): string[] {
  let text = stripPreamble(request);
  if (ctx.deadline) {
    const label = ctx.deadline.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(
      new RegExp(String.raw`(?:\b(?:in|within|over|by|before|until)\s+(?:the\s+)?)?${label}`, 'i'),
      ' ',
    );
  }
  const items = text
    .split(/\s*(?:[,;]|\band then\b|\bthen\b|\band\b|\bplus\b|\bas well as\b|\bincluding\b)\s*/i)
    .map((i) => i.trim())
    .filter((i) => stems(i).length > 0);
  return items.slice(0, MAX_WORK_ITEMS);
}

/** The department lead's capability that best fits a role in the plan (e.g. review, coordination). */
function leadCapability(def: AgentDefinition, preferred: readonly string[]): string | null {
  for (const word of preferred) {
    const hit = def.capabilities.find((c) => c.includes(word));
    if (hit) return hit;
  }
  return null;
}

/**
 * No template fits: research → work per item (departments found through the matcher) → review
 * per department → sign-off → rollout. Gap items keep their capability and get a build step later.
 */
export function genericSteps(
  request: string,
  ctx: RequestContext,
  registry: AgentRegistry,
  match: AgentMatcher,
  department: string | null,
): { steps: TemplateStep[]; leadDepartment: string; title: string } {
  const hinted = isOwningDepartment(department) && department !== 'cross' ? department : null;
  const long = ctx.longTermWords || (ctx.deadline?.minutes ?? 0) >= 4 * MINUTES_PER_WEEK;
  const taken = new Set<string>(['research', 'sign_off', 'rollout']);
  const work: TemplateStep[] = [];
  const items = workItems(request, ctx);
  for (const item of items.length ? items : ['the requested work']) {
    const gap = gapAreaFor(item);
    const wanted = gap?.capability ?? capabilityOf(item);
    const found = findAgent({ capability: wanted, text: item, department: hinted }, registry, match);
    const agent = found ? registry.get(found.agent)!.definition : null;
    const id = uniqueId(slug(item, 30), taken);
    taken.add(id);
    work.push(
      step({
        id,
        name: capitalize(item).slice(0, 80),
        description: `${capitalize(item)} — part of: ${request}`.slice(0, 4000),
        department: agent ? agent.department : hinted,
        capability: found?.capability ?? wanted,
        riskLevel: agent?.risk.default ?? 'medium',
        duration: long ? weeks(1) : days(3),
        dependsOn: ['research'],
      }),
    );
  }
  const counts = new Map<string, number>();
  for (const w of work) if (w.department) counts.set(w.department, (counts.get(w.department) ?? 0) + 1);
  const leadDepartment =
    [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? hinted ?? registry.root()?.definition.department ?? 'executive';
  const leadOf = (d: string) => (registry.departmentLead(d) ?? registry.root())?.definition ?? null;
  const lead = leadOf(leadDepartment);
  const departments = [...new Set(work.map((w) => w.department ?? leadDepartment))];

  const byLead = (def: AgentDefinition | null, preferred: readonly string[]) => {
    const capability = def ? leadCapability(def, preferred) : null;
    return capability && def ? { capability, agent: def.name } : { capability: null };
  };
  // Across departments, scoping and rollout coordinate everyone: they sit above the subprojects.
  const coordination = departments.length > 1 ? null : leadDepartment;
  const research = step({
    id: 'research',
    name: 'Research and requirements',
    description: `Goals, scope, constraints and success criteria for: ${request}`.slice(0, 4000),
    department: coordination,
    ...byLead(lead, ['project_planning', 'planning', 'work_breakdown', 'triage', 'coordination']),
    riskLevel: 'low',
    duration: days(2),
    collaboration: 'guidance',
  });
  const reviews = departments.map((d) => {
    const reviewer = leadOf(d);
    const id = uniqueId(`${slug(d)}_review`, taken);
    taken.add(id);
    return step({
      id,
      name: `${departmentLabel(d)} review`,
      description: `Review the ${departmentLabel(d).toLowerCase()} work against the requirements and fix what falls short.`,
      department: d,
      ...byLead(reviewer, ['content_review', 'status_reporting', 'review', 'oversight']),
      riskLevel: 'medium',
      duration: days(2),
      dependsOn: work.filter((w) => (w.department ?? leadDepartment) === d).map((w) => w.id),
      collaboration: 'review',
    });
  });
  const signOff = approval({
    id: 'sign_off',
    name: 'Sign-off',
    description: 'A person approves the reviewed work before it is rolled out.',
    department: coordination,
    riskLevel: 'high',
    duration: days(1),
    dependsOn: reviews.map((r) => r.id),
  });
  const rollout = step({
    id: 'rollout',
    name: 'Roll out and communicate',
    description: 'Put the result into use and tell the people affected.',
    department: coordination,
    ...byLead(lead, ['coordination', 'status_reporting', 'delegation', 'routing']),
    riskLevel: 'high',
    duration: days(2),
    dependsOn: ['sign_off'],
  });
  const title = capitalize(stripPreamble(request)).slice(0, 120) || 'Project plan';
  return { steps: [research, ...work, ...reviews, signOff, rollout], leadDepartment, title };
}
