import { departmentLabel } from '@orchestrator/contracts';
import type { LoadedAgent } from '../registry/load.js';
import type { AgentRegistry } from '../registry/registry.js';
import type { OrgEntity } from './mentions.js';
import type { OrgQuery } from './questions.js';

const ref = (a: LoadedAgent): string => `**${a.definition.title}** (\`${a.definition.name}\`)`;
const line = (a: LoadedAgent): string => `- ${ref(a)} — ${a.definition.description}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function entityAgent(registry: AgentRegistry, entity: OrgEntity): LoadedAgent | undefined {
  return entity.kind === 'agent' ? registry.get(entity.name) : registry.departmentLead(entity.department);
}

function entityLabel(registry: AgentRegistry, entity: OrgEntity): string {
  if (entity.kind === 'department') return `the ${departmentLabel(entity.department)} department`;
  const a = registry.get(entity.name);
  return a ? `the ${a.definition.title}` : entity.name;
}

function reportsTo(registry: AgentRegistry, entity: OrgEntity): string {
  const lead = entityAgent(registry, entity);
  if (!lead) return `${entityLabel(registry, entity)} has no agent leading it yet.`;
  const direct = registry.directReports(lead.definition.name);
  if (direct.length === 0) {
    return `Nobody reports to ${ref(lead)}: it is a specialist. It reports to ${registry.manager(lead.definition.name) ? ref(registry.manager(lead.definition.name)!) : 'no one'}.`;
  }
  const parts = [
    `${plural(direct.length, 'agent')} ${direct.length === 1 ? 'reports' : 'report'} directly to ${ref(lead)}:`,
    '',
    ...direct.map(line),
  ];
  const indirect = registry.allReports(lead.definition.name).filter((a) => !direct.includes(a));
  if (indirect.length > 0) {
    parts.push(
      '',
      `Through them, ${plural(indirect.length, 'more agent')} ${indirect.length === 1 ? 'works' : 'work'} under ${lead.definition.title}: ${indirect.map((a) => a.definition.title).join(', ')}.`,
    );
  }
  return parts.join('\n');
}

function managerOf(registry: AgentRegistry, entity: OrgEntity): string {
  const agent = entityAgent(registry, entity);
  if (!agent) return `${entityLabel(registry, entity)} has no agent leading it yet.`;
  const boss = registry.manager(agent.definition.name);
  if (!boss) return `${ref(agent)} is at the top of the organisation: it reports to no one.`;
  const chain = registry.chain(agent.definition.name).map((n) => registry.get(n)?.definition.title ?? n);
  return `${ref(agent)} reports to ${ref(boss)}.\n\nReporting line: ${chain.join(' → ')}.`;
}

function departmentMembers(registry: AgentRegistry, department: string): string {
  const members = registry.inDepartment(department);
  if (members.length === 0) return `There are no agents in ${departmentLabel(department)} yet.`;
  const lead = registry.departmentLead(department);
  const others = members.filter((m) => m !== lead);
  const parts = [`${departmentLabel(department)} has ${plural(members.length, 'agent')}.`, ''];
  if (lead)
    parts.push(
      `Led by ${ref(lead)}, who reports to ${registry.manager(lead.definition.name)?.definition.title ?? 'no one'}.`,
      '',
    );
  parts.push(...others.map(line));
  return parts.join('\n');
}

function agentInfo(registry: AgentRegistry, name: string): string {
  const a = registry.get(name)!;
  const d = a.definition;
  const boss = registry.manager(name);
  const reports = registry.directReports(name);
  return [
    `${ref(a)} — ${departmentLabel(d.department)}, ${d.type === 'orchestrator' ? 'orchestrator' : d.type === 'function' ? 'function-based agent' : 'specialist'}.`,
    '',
    d.description,
    '',
    `- Reports to: ${boss ? ref(boss) : 'no one (top of the organisation)'}`,
    ...(reports.length ? [`- Direct reports: ${reports.map((r) => r.definition.title).join(', ')}`] : []),
    `- Capabilities: ${d.capabilities.map((c) => c.replace(/_/g, ' ')).join(', ')}`,
    `- Handles up to ${plural(d.limits.maxConcurrent, 'task')} at once`,
  ].join('\n');
}

function overview(registry: AgentRegistry): string {
  const root = registry.root();
  const parts = [
    `The organisation has ${plural(registry.size, 'agent')} in ${plural(registry.departments().length, 'department')}.`,
    '',
  ];
  if (root) parts.push(`At the top: ${ref(root)}.`, '');
  for (const department of registry.departments()) {
    const lead = registry.departmentLead(department);
    const count = registry.inDepartment(department).length;
    parts.push(
      `- **${departmentLabel(department)}** — ${plural(count, 'agent')}${lead ? `, led by ${lead.definition.title}` : ''}`,
    );
  }
  return parts.join('\n');
}

export const EXAMPLE_QUESTIONS = [
  'Who reports to the CFO?',
  'Which agents are in marketing?',
  'What does the roi_calculator do?',
];

function help(registry: AgentRegistry, llmAvailable: boolean): string {
  return [
    `I'm the CEO orchestrator of a workforce of ${plural(registry.size, 'agent')} across ${registry.departments().map(departmentLabel).join(', ')}.`,
    '',
    'Right now I can:',
    '- answer questions about the organisation: who reports to whom, who is in a department, what an agent does;',
    llmAvailable
      ? '- answer general questions with the configured language model, using the organisation as context.'
      : '- tell you when I need more detail. No language model is configured, so I run on the built-in offline model and only answer what I can work out from the registry.',
    '',
    `Try: ${EXAMPLE_QUESTIONS.map((q) => `“${q}”`).join(', ')}.`,
  ].join('\n');
}

/** A concrete clarifying question: never a generic "please rephrase". */
export function clarifyingQuestion(registry: AgentRegistry, query: OrgQuery): string {
  if (query.kind === 'ambiguous') {
    const label = entityLabel(registry, query.entity);
    if (query.entity.kind === 'department') {
      return `What would you like to know about ${label}: which agents are in it, who leads it, or who that lead reports to?`;
    }
    return `What would you like to know about ${label}: who reports to it, whom it reports to, or what it does?`;
  }
  return [
    "I couldn't tell what you need from that message, and I'd rather ask than guess.",
    `Are you asking about the organisation — for example ${EXAMPLE_QUESTIONS.map((q) => `“${q}”`).join(' or ')}? Tell me who or which department it is about and what you want to know.`,
  ].join(' ');
}

/** Answers an organisation question from the registry, or returns undefined when it cannot. */
export function answerOrgQuery(registry: AgentRegistry, query: OrgQuery, llmAvailable: boolean): string | undefined {
  switch (query.kind) {
    case 'greeting':
      return `Hello! I'm the CEO orchestrator. Ask me about the organisation — for example ${EXAMPLE_QUESTIONS.map((q) => `“${q}”`).join(' or ')}.`;
    case 'help':
      return help(registry, llmAvailable);
    case 'overview':
      return overview(registry);
    case 'reports_to':
      return reportsTo(registry, query.entity);
    case 'manager_of':
      return managerOf(registry, query.entity);
    case 'department_members':
      return departmentMembers(registry, query.department);
    case 'agent_info':
      return agentInfo(registry, query.name);
    case 'ambiguous':
    case 'unknown':
      return undefined;
  }
}
