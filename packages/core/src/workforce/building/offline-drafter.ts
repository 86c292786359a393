import type { AgentDefinition, AgentDraft } from '@orchestrator/contracts';
import { inputSchemaSource, moduleSource } from './function-skeleton.js';
import { departmentProfile, templateById } from './templates.js';
import type { AgentSpec } from './types.js';

const bullets = (items: readonly string[]) => items.map((i) => `- ${i}`);

/** agent.yaml of the new agent: every organisation fact comes from the spec, never from a model. */
export function definitionOf(
  spec: AgentSpec,
  overrides: { title?: string; description?: string; keywords?: string[] } = {},
): AgentDefinition {
  return {
    name: spec.name,
    title: overrides.title ?? spec.title,
    department: spec.department,
    type: spec.type,
    reportsTo: spec.reportsTo,
    description: overrides.description ?? spec.description,
    capabilities: spec.capabilities,
    keywords: overrides.keywords ?? spec.keywords,
    risk: { default: spec.riskDefault, actions: spec.riskActions },
    model: { provider: 'default' },
    limits: { maxConcurrent: 2 },
  };
}

/** The function skeleton's files, when the agent is function-based. */
export function functionFiles(spec: AgentSpec): Pick<AgentDraft, 'moduleSource' | 'inputSchemaSource'> {
  return spec.type === 'function'
    ? { moduleSource: moduleSource(spec), inputSchemaSource: inputSchemaSource(spec) }
    : { moduleSource: null, inputSchemaSource: null };
}

/**
 * The offline drafter: fills the template (and the department profile) in with the request.
 * It writes no prose of its own — every sentence is the template's or the request's — and the
 * build says it was drafted from a template so nobody mistakes it for model output.
 */
export function draftFromTemplate(spec: AgentSpec): AgentDraft {
  const template = templateById(spec.template);
  const profile = departmentProfile(spec.department);
  const task = spec.description.replace(/\.$/, '');
  const contextMd = [
    `# ${spec.title}`,
    '',
    '## Role',
    `You are the ${spec.title} in the ${spec.departmentLabel} department, reporting to \`${spec.reportsTo}\`. Your job: ${task[0]!.toLowerCase()}${task.slice(1)}. You prepare, assess and recommend; anything that commits the company or speaks for it goes through human approval.`,
    '',
    '## Responsibilities',
    ...bullets([`${task}.`, ...template.responsibilities, ...(profile?.responsibilities ?? [])]),
    '',
    '## Inputs',
    ...bullets([...template.inputs, 'Ask for what is missing instead of assuming it.']),
    '',
    '## Outputs',
    ...bullets([...(profile?.outputs ?? []), ...template.outputs]),
    '',
    '## Quality bar',
    ...bullets([...template.quality, ...(profile?.quality ?? [])]),
    '',
    '## Escalation',
    ...bullets([
      `Escalate to \`${spec.reportsTo}\` when the task is outside ${spec.capabilities.map((c) => `\`${c}\``).join(', ')} or needs a decision above your role.`,
      ...(profile?.escalation ?? [
        'Anything with high or critical risk is prepared for a person to approve, never done on your own.',
      ]),
    ]),
    '',
  ].join('\n');
  return { definition: definitionOf(spec), contextMd, ...functionFiles(spec) };
}
