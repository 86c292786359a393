import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ConversationGraphDeps } from '../deps.js';
import { messageText } from '../messages.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';
import { streamComputedText } from '../stream.js';

/**
 * IMPROVE_AGENT: identifies the agent the feedback is about and restates the change asked for.
 * Proposing and applying a Context.md change (with diff and approval) is the improvement
 * workflow, which this version does not have yet; the reply says so.
 */
export const improvementNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const name = state.intent?.agent ?? state.stickyAgent;
    const agent = name ? deps.registry().get(name) : undefined;
    const feedback = messageText(state.messages.at(-1)!).trim();
    const reply = agent
      ? [
          `Understood — this is feedback on **${agent.definition.title}** (\`${agent.definition.name}\`):`,
          '',
          `> ${feedback.replace(/\n/g, '\n> ')}`,
          '',
          `Turning it into a change to its Context.md — with a diff for you to approve and the previous version kept for rollback — is the agent-improvement workflow, which is not available in this version yet. You can edit \`agents/${agent.sourcePath}/Context.md\` directly; the next start picks it up.`,
        ].join('\n')
      : 'Which agent is this feedback about? Name it (for example “the blog post writer”) and I will note what should change.';
    await streamComputedText(config, reply, deps.chunkDelayMs);
    return { ...replyUpdate(reply, agent ? 'IMPROVE_AGENT' : 'CLARIFY', { replyMeta: agent ? { improvementTarget: agent.definition.name } : null }), messages: [new AIMessage(reply)] };
  };
