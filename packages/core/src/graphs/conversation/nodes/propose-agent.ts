import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { IntentResult } from '@orchestrator/contracts';
import { specifyAgent } from '../../../workforce/building/identity.js';
import { templateById } from '../../../workforce/building/templates.js';
import type { AgentSpec } from '../../../workforce/building/types.js';
import { runContext, type ConversationGraphDeps } from '../deps.js';
import { messageText } from '../../../llm/messages.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';

function describeSpec(spec: AgentSpec): string {
  const template = templateById(spec.template).name.toLowerCase();
  return `**${spec.title}** (\`${spec.name}\`) in ${spec.isNewDepartment ? 'a new ' : ''}${spec.departmentLabel} department, reporting to \`${spec.reportsTo}\`, from the ${template} template, with ${spec.capabilities.map((c) => `\`${c}\``).join(', ')}`;
}

/**
 * Honest answer to work nobody in the organisation can do: names the gap and the agent that
 * would fill it, and how to have it built (the build itself needs the person's request).
 */
export function capabilityGapReply(deps: ConversationGraphDeps, task: string, intent: IntentResult | null): string {
  const spec = specifyAgent(
    { request: task, departmentHint: intent?.department ?? null },
    deps.registry(),
    deps.index(),
  );
  const near = deps.index().rank(task, { limit: 1 })[0];
  const nearAgent = near && near.score >= 0.1 ? deps.registry().get(near.agent) : undefined;
  return [
    `No agent in the organisation can do this — there is no ${spec.departmentLabel} capability for it.`,
    '',
    `What would fill the gap: a permanent agent such as ${describeSpec(spec)}: its own Context.md, validated on sample tasks and approved by you before it joins the org chart.`,
    '',
    deps.agentBuilds
      ? 'Ask me to build it (for example “We need an agent that …”) and I will draft it, validate it and ask for your approval.'
      : 'Building agents is not available in this setup, so I have not started one.',
    ...(nearAgent
      ? [
          '',
          `The closest existing agent is ${nearAgent.definition.title} (\`${nearAgent.definition.name}\`), but it does not cover this work.`,
        ]
      : []),
  ].join('\n');
}

/**
 * BUILD_AGENT: starts the build (draft → validate → approval → deploy) in the background and
 * says what is being drafted; the build posts its progress into this conversation.
 */
export const proposeAgentNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const request = messageText(state.messages.at(-1)!);
    const department = state.intent?.department ?? null;
    if (!deps.agentBuilds) {
      const reply = capabilityGapReply(deps, request, state.intent ?? null);
      return {
        ...replyUpdate(reply, 'BUILD_AGENT', { replyMeta: { capabilityGap: true, proposedDepartment: department } }),
        messages: [new AIMessage(reply)],
      };
    }
    const ctx = runContext(config);
    const build = await deps.agentBuilds.start({ ...ctx, request, departmentHint: department });
    const reply = [
      `I'm building a new agent for this: ${describeSpec(build.spec)}.`,
      '',
      `Next: I draft its Context.md${build.spec.type === 'function' ? ' and its module with an input schema' : ''}, validate it on sample tasks, and then ask for your approval here before it joins the org chart. Progress follows in this conversation.`,
    ].join('\n');
    return {
      ...replyUpdate(reply, 'BUILD_AGENT', {
        replyMeta: { agentBuildId: build.id, capabilityGap: true, proposedDepartment: department },
      }),
      messages: [new AIMessage(reply)],
    };
  };
