import { departmentLabel, type Intent } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { WEAK_MATCH, type MessageAnalysis } from './analysis.js';
import { normaliseText } from './cues.js';
import type { Prediction } from './model.js';

const title = (registry: AgentRegistry, name: string): string =>
  registry.get(name)?.definition.title ?? name.replace(/_/g, ' ');

const oxford = (items: string[]): string =>
  items.length <= 2 ? items.join(' or ') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** Agents whose scores are this close to the best one are named together. */
const CLOSE_MATCH = 0.12;
/** One agent is named alone from this score, or with this lead over the next one. */
const CLEAR_MATCH = 0.45;
const CLEAR_LEAD = 0.1;

const PRONOUN = /\b(it|them|this|that|those|these|they|the thing|the stuff|the issue|the situation|the usual)\b/;

/** The departments that have specialists, as examples of what can be asked. */
function departmentChoices(registry: AgentRegistry): string {
  const departments = registry.departments().filter((d) => d !== 'executive' && registry.inDepartment(d).length > 1);
  return oxford(departments.map(departmentLabel));
}

/**
 * One concrete question for a message the classifier could not act on, built from what is
 * missing: which of the offered options, which of two close agents, task or project, once or
 * permanently, or what a pronoun refers to. Never a generic "please clarify".
 */
export function buildClarifyingQuestion(
  a: MessageAnalysis,
  intents: Prediction<Intent>[],
  registry: AgentRegistry,
): string {
  const h = a.history;
  if (h.hasHistory && h.options.length >= 2 && !h.chosenOption) {
    return `Just so I get it right: which one do you mean — ${oxford(h.options)}?`;
  }
  const first = a.matches[0];
  const pair = new Set([intents[0]?.label, intents[1]?.label]);
  const candidate = first && first.score >= WEAK_MATCH ? first : undefined;
  if (candidate && pair.has('DELEGATE') && pair.has('CREATE_PROJECT')) {
    return `Is this a single task for the ${title(registry, candidate.agent)}, or a larger piece of work with several steps that I should plan as a project?`;
  }
  if (pair.has('DELEGATE') && pair.has('BUILD_AGENT')) {
    return 'Do you want this done once now, or a permanent agent that takes care of it from now on?';
  }
  if (candidate && pair.has('DELEGATE') && pair.has('IMPROVE_AGENT')) {
    return `Is this feedback on how the ${title(registry, candidate.agent)} works (so I adjust its instructions), or a new task for it?`;
  }
  // Several agents could take it: name them.
  const close = candidate
    ? a.matches.filter((m) => m.score >= WEAK_MATCH && m.score >= candidate.score - CLOSE_MATCH).slice(0, 3)
    : [];
  if (close.length >= 2) {
    const names = close.map(
      (m) =>
        `the ${title(registry, m.agent)}${close.some((o) => o.department !== m.department) ? ` (${departmentLabel(m.department)})` : ''}`,
    );
    return `Who should take this — ${oxford(names)}? And what exactly should the result be?`;
  }
  const vague = PRONOUN.exec(normaliseText(a.input.text))?.[1];
  const lead = candidate ? candidate.score - (a.matches[1]?.score ?? 0) : 0;
  // One agent stands out — unless all it matched is one word next to a vague "it"/"the thing".
  if (
    candidate &&
    (candidate.score >= CLEAR_MATCH || lead >= CLEAR_LEAD) &&
    !(vague && candidate.matched.length <= 1)
  ) {
    const about = candidate.matched.slice(0, 2).join(', ');
    return `Should the ${title(registry, candidate.agent)} take this${about ? ` (${about})` : ''}? What exactly should the result be, and by when?`;
  }
  const department = a.mentions.find((m) => m.kind === 'department');
  if (department) {
    const specialists = registry.inDepartment(department.name).filter((x) => x.definition.type !== 'orchestrator');
    const examples = specialists.slice(0, 3).map((x) => x.definition.title.toLowerCase());
    return `What exactly should ${departmentLabel(department.name)} do? For example, is it work for the ${oxford(examples)}?`;
  }
  if (vague) {
    return `What does “${vague}” refer to — which document, project or task, and what should happen to it?`;
  }
  return `What would you like done, and for which team — ${departmentChoices(registry)}?`;
}
