import { departmentLabel, type AgentTemplateId, type CreateAgentBuildBody } from '@orchestrator/contracts';
import type { AgentRegistry } from '../../registry/registry.js';
import type { CapabilityIndex } from '../../routing/capability-index.js';
import { STOPWORDS } from '../../routing/text.js';
import {
  chooseTemplate,
  departmentProfile,
  departmentProfileFor,
  templateById,
  type DepartmentProfile,
} from './templates.js';
import type { AgentSpec } from './types.js';

/** The role noun of the agent, from the verb of the request. */
const ROLES: Array<[RegExp, string]> = [
  [/\breview/i, 'reviewer'],
  [/\btranslat/i, 'translator'],
  [/\baudit/i, 'auditor'],
  [/\bdesign/i, 'designer'],
  [/\bsell|\bsales\b|\bleads?\b|\bprospect/i, 'representative'],
  [/\bsupport|\btickets?\b/i, 'support_agent'],
  [/\banaly/i, 'analyst'],
  [/\breport|\bsummar/i, 'reporter'],
  [/\bclean|\btransform|\bconvert|\bnormali/i, 'transformer'],
  [/\bintegrat|\bsync|\bapi\b/i, 'integrator'],
];

/** The capability each function template brings, when the department names none. */
const TEMPLATE_CAPABILITY: Record<AgentTemplateId, string | null> = {
  customer_service: 'customer_support',
  api_integration: 'api_integration',
  data_transformation: 'data_cleaning',
  report_generation: 'report_writing',
  data_analysis: 'data_analysis',
  department_specialist: null,
};

/** Words of any build request ("we need a new agent…"): never keywords of the agent. */
const NOT_KEYWORDS: ReadonlySet<string> = new Set([...STOPWORDS, 'agent', 'agents', 'new', 'build', 'create']);

const snake = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
const titleCase = (s: string) =>
  s
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');

/** "We need an agent that reviews vendor contracts for legal risk" → "Reviews vendor contracts for legal risk." */
export function describeTask(request: string): string {
  const core = request
    .trim()
    .replace(
      /^(please\s+)?((we|i)\s+(need|want|would like)|(can|could)\s+you\s+(build|create|make)|(build|create|make|add|hire))\s+(us\s+)?(an?|one|new|another)?\s*(new\s+)?(ai\s+)?(agent|assistant|specialist|bot)?\s*(that|who|which|to|for)?\s*/i,
      '',
    )
    .replace(/[.!?\s]+$/, '');
  const text = core.length >= 3 ? core : request.trim();
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`.slice(0, 900);
}

function keywordsOf(request: string, extra: string[]): string[] {
  const words = request.toLowerCase().match(/[a-z][a-z-]{2,}/g) ?? [];
  return [...new Set([...extra, ...words.filter((w) => !NOT_KEYWORDS.has(w))])].slice(0, 12);
}

/** A department named in the request that the registry already has ("…for finance"). */
function namedDepartment(request: string, registry: AgentRegistry): string | undefined {
  const text = request.toLowerCase();
  return registry
    .departments()
    .find((d) => d !== 'executive' && new RegExp(`\\b${d.replace(/[-_]/g, '[ _-]?')}\\b`).test(text));
}

function chooseDepartment(
  request: string,
  registry: AgentRegistry,
  index: CapabilityIndex | undefined,
  hint: string | null | undefined,
): string {
  const fromHint = hint && hint !== 'cross' ? (hint.startsWith('new:') ? hint.slice(4) : hint) : null;
  if (fromHint && /^[a-z][a-z0-9_-]{1,40}$/.test(fromHint) && fromHint !== 'executive') return fromHint;
  const profile = departmentProfileFor(request);
  if (profile) return profile.department;
  const named = namedDepartment(request, registry);
  if (named) return named;
  // Closest existing work: the new agent joins the department that does the nearest thing.
  const near = index?.rank(request, { limit: 1 })[0];
  const nearDept = near && near.score >= 0.1 ? registry.get(near.agent)?.definition.department : undefined;
  return nearDept && nearDept !== 'executive' ? nearDept : 'operations';
}

/** The department lead; for a new department the preferred C-suite member, else the CEO. */
export function chooseManager(department: string, registry: AgentRegistry, profile?: DepartmentProfile): string {
  const lead = registry.departmentLead(department);
  if (lead) return lead.definition.name;
  const member = registry.inDepartment(department)[0];
  if (member?.definition.reportsTo) return member.definition.reportsTo;
  for (const name of profile?.reportsTo ?? []) if (registry.get(name)) return name;
  return registry.root()?.definition.name ?? 'ceo_orchestrator';
}

function chooseCapabilities(
  request: string,
  profile: DepartmentProfile | undefined,
  template: AgentTemplateId,
  stepCapability: string | null,
  department: string,
): string[] {
  const caps: string[] = [];
  if (stepCapability) caps.push(stepCapability);
  for (const [cue, cap] of profile?.capabilities ?? []) if (cue.test(request)) caps.push(cap);
  const fromTemplate = TEMPLATE_CAPABILITY[template];
  if (fromTemplate) caps.push(fromTemplate);
  if (caps.length === 0) caps.push(profile?.fallbackCapability ?? `${snake(department)}_support`);
  return [...new Set(caps.filter((c) => /^[a-z][a-z0-9_]{1,63}$/.test(c)))].slice(0, 8);
}

/** A free snake_case name: a suffix is added when the registry (or an open build) has it. */
export function uniqueName(base: string, taken: (name: string) => boolean): string {
  const clean = base.slice(0, 58).replace(/_+$/, '');
  if (!taken(clean)) return clean;
  for (let i = 2; ; i++) if (!taken(`${clean}_${i}`)) return `${clean}_${i}`;
}

export interface SpecInput {
  request: string;
  /** From the intent (`new:legal`) or the plan step (`new:localization`). */
  departmentHint?: string | null;
  /** The capability a `build_agent` step asked for. */
  capability?: string | null;
  /** Wizard choices; anything left out is proposed. */
  overrides?: Omit<Partial<CreateAgentBuildBody>, 'request'>;
  /** Names reserved by builds still in progress. */
  reserved?: ReadonlySet<string>;
}

/**
 * Decides who the new agent is: template by request cues, department (hint, department
 * profile, a department named in the request, then the closest existing work), a manager from
 * the registry (department lead, else the fitting C-suite member, else the CEO), capabilities,
 * and a name that is free.
 */
export function specifyAgent(input: SpecInput, registry: AgentRegistry, index?: CapabilityIndex): AgentSpec {
  const o = input.overrides ?? {};
  const cueText = `${input.request} ${input.capability?.replace(/_/g, ' ') ?? ''}`;
  const template = o.template ?? chooseTemplate(input.request);
  const department = o.department ?? chooseDepartment(cueText, registry, index, input.departmentHint);
  const profile = departmentProfile(department) ?? departmentProfileFor(cueText);
  const capabilities =
    o.capabilities ?? chooseCapabilities(cueText, profile, template, input.capability ?? null, department);
  const role = ROLES.find(([re]) => re.test(input.request))?.[1] ?? 'specialist';
  const subject = capabilities[0]!.split('_')[0]!;
  const parts = [...new Set([snake(department), ...(subject === role.split('_')[0] ? [] : [subject]), role])];
  const base = snake(parts.join('_').replace(/\b(\w+)_\1\b/g, '$1'));
  const name = o.name ?? uniqueName(base, (n) => Boolean(registry.get(n)) || Boolean(input.reserved?.has(n)));
  const label = profile?.label ?? departmentLabel(department);
  return {
    request: input.request,
    template,
    name,
    title: o.title ?? titleCase(name.replace(/_\d+$/, '')),
    department,
    departmentLabel: label,
    isNewDepartment: registry.inDepartment(department).length === 0,
    reportsTo: o.reportsTo ?? chooseManager(department, registry, profile),
    type: o.type ?? templateById(template).type,
    capabilities,
    keywords: keywordsOf(input.request, [label.toLowerCase()]),
    description: describeTask(input.request),
    riskDefault: profile?.riskDefault ?? 'medium',
    riskActions: profile?.riskActions ?? {},
    capability: input.capability ?? null,
  };
}
