import { IntentResultSchema } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { GAP_AREAS } from '../routing/gaps.js';
import type { IntentInput } from './types.js';

/** What the model must return: an IntentResult without `source` (we set that). */
export const LlmIntentOutputSchema = IntentResultSchema.omit({ source: true });

const INTENT_DEFINITIONS = `Intents (pick exactly one):
- DELEGATE: one well-scoped task a single existing specialist can do now. A one-off task in an area no agent covers stays DELEGATE with capabilityGap true and agent null.
- CREATE_PROJECT: multi-step, multi-agent or multi-department, or long-running (days/weeks) work.
- BUILD_AGENT: asks for a new permanent agent/capability, or recurring work where no agent exists.
- IMPROVE_AGENT: feedback on an existing agent's quality, or a request to tune its context/instructions.
- CLARIFY: too vague or ambiguous to act on without asking (unresolved "it"/"them", no clear task).
- DIRECT_RESPONSE: answerable by the orchestrator itself (org facts, status, help, definitions, greetings, thanks).`;

const FIELD_RULES = `Fields:
- confidence: your probability (0..1) that the intent is right.
- department: for DELEGATE/IMPROVE_AGENT the agent's department; for CREATE_PROJECT the lead department, or "cross" when two or more departments are involved; for BUILD_AGENT the department the new agent belongs to, or "new:<area>" for an area no department covers (${GAP_AREAS.map((a) => `new:${a}`).join(', ')}); null for CLARIFY and DIRECT_RESPONSE.
- agent: for DELEGATE/IMPROVE_AGENT the exact name of the best existing agent from the roster (null if none fits); null otherwise.
- capabilityGap: true when no existing agent can do the work (always true for BUILD_AGENT).
- scope: "project" for CREATE_PROJECT, "task" for DELEGATE/IMPROVE_AGENT/BUILD_AGENT, null otherwise.
- horizon: "long_term" for weeks/months/quarters or ongoing work, else "short_term"; null for CLARIFY/DIRECT_RESPONSE.
- clarifyingQuestion: for CLARIFY one specific question naming the likely options; null otherwise.
A short follow-up answer must be resolved against the conversation so far.`;

function roster(registry: AgentRegistry): string {
  return registry.agents
    .map(
      ({ definition: d }) =>
        `- ${d.name} — ${d.title} (${d.department}, ${d.type}${d.reportsTo ? `, reports to ${d.reportsTo}` : ''}): ${d.description} Capabilities: ${d.capabilities.join(', ')}.`,
    )
    .join('\n');
}

export function systemPrompt(registry: AgentRegistry): string {
  return [
    'You are the intent classifier of an enterprise AI-agent workforce. Classify the latest user message.',
    INTENT_DEFINITIONS,
    `Roster (departments: ${registry.departments().join(', ')}):\n${roster(registry)}`,
    `Areas with deliberately no agent: ${GAP_AREAS.join(', ')}.`,
    FIELD_RULES,
    'Reply with one JSON object with exactly these keys: intent, confidence, department, agent, capabilityGap, scope, horizon, clarifyingQuestion. No prose, no code fences.',
  ].join('\n\n');
}

export function userPrompt(input: IntentInput): string {
  const history = input.history.length
    ? `Conversation so far:\n${input.history.map((t) => `${t.role === 'user' ? 'User' : 'Assistant'}: ${t.content}`).join('\n')}\n\n`
    : '';
  return `${history}Latest user message:\n${input.text}`;
}

export function repairPrompt(problem: string): string {
  return `That answer was not valid: ${problem}. Reply again with only the corrected JSON object.`;
}
