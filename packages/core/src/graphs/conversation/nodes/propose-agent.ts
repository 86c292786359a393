import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { IntentResult } from '@orchestrator/contracts';
import { departmentLabel } from '../../../org/answers.js';
import type { ConversationGraphDeps } from '../deps.js';
import { messageText } from '../messages.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';
import { streamComputedText } from '../stream.js';

/** Agent templates of SPEC §3.7, chosen by what the request is about. */
const TEMPLATES: Array<{ name: string; cue: RegExp }> = [
  { name: 'customer service', cue: /\b(support|tickets?|customers?|helpdesk|inquir|complain|chat)/i },
  { name: 'API integration', cue: /\b(api|integrat|sync|webhook|crm|salesforce|zendesk|hubspot|slack)/i },
  { name: 'data transformation', cue: /\b(transform|convert|clean|normali[sz]e|etl|csv|spreadsheet|import)/i },
  { name: 'report generation', cue: /\b(report|summary|summar|digest|brief)/i },
  { name: 'data analysis', cue: /\b(analy[sz]|data|metrics|insight|forecast|trend)/i },
];

const ROLES: Array<[RegExp, string]> = [
  [/\breview/i, 'reviewer'],
  [/\btranslat|locali[sz]/i, 'translator'],
  [/\baudit/i, 'auditor'],
  [/\bdesign/i, 'designer'],
  [/\bsell|sales|leads?\b|prospect/i, 'representative'],
  [/\bsupport|tickets?/i, 'support_agent'],
  [/\banaly/i, 'analyst'],
];

function areaOf(intent: IntentResult | null): string | null {
  const d = intent?.department;
  if (!d || d === 'cross') return null;
  return d.startsWith('new:') ? d.slice(4) : d;
}

function proposal(task: string, intent: IntentResult | null) {
  const area = areaOf(intent);
  const role = ROLES.find(([re]) => re.test(task))?.[1] ?? 'specialist';
  const name = `${area && area !== role ? `${area.replace(/[^a-z0-9]+/g, '_')}_` : ''}${role}`;
  const template = TEMPLATES.find((t) => t.cue.test(task))?.name ?? (area ? `${departmentLabel(area)} department` : 'general');
  return { area, name, template, isNewDepartment: intent?.department?.startsWith('new:') ?? false };
}

/**
 * Honest answer to work nobody in the organisation can do: names the gap and the agent that
 * would fill it. Building it (draft, validation, approval, deployment) is the agent-creation
 * workflow, which this version does not have yet — the reply says so rather than pretending.
 */
export function capabilityGapReply(deps: ConversationGraphDeps, task: string, intent: IntentResult | null): string {
  const p = proposal(task, intent);
  const near = deps.index().rank(task, { limit: 1 })[0];
  const nearAgent = near && near.score >= 0.1 ? deps.registry().get(near.agent) : undefined;
  return [
    `No agent in the organisation can do this${p.area ? ` — there is no ${departmentLabel(p.area)} capability` : ''}.`,
    '',
    `What would fill the gap: a permanent agent such as \`${p.name}\` (${p.template} template)${p.area ? ` in ${p.isNewDepartment ? 'a new ' : ''}${departmentLabel(p.area)}` : ''}, with its own Context.md, validated on sample tasks and approved by you before it joins the org chart.`,
    '',
    'Building agents from chat is not available in this version yet, so I have not started one.',
    ...(nearAgent ? ['', `The closest existing agent is ${nearAgent.definition.title} (\`${nearAgent.definition.name}\`), but it does not cover this work.`] : []),
  ].join('\n');
}

/** BUILD_AGENT: recognises the request and the capability gap, and says what would be built. */
export const proposeAgentNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const reply = capabilityGapReply(deps, messageText(state.messages.at(-1)!), state.intent ?? null);
    await streamComputedText(config, reply, deps.chunkDelayMs);
    return { ...replyUpdate(reply, 'BUILD_AGENT', { replyMeta: { capabilityGap: true, proposedDepartment: state.intent?.department ?? null } }), messages: [new AIMessage(reply)] };
  };
