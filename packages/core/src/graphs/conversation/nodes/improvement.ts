import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { quoteExcerpt } from '../../../messages/limits.js';
import type { LoadedAgent } from '../../../registry/load.js';
import type { ChatImprovementResult } from '../../../workforce/improvement/chat.js';
import { runContext, type ConversationGraphDeps } from '../deps.js';
import { messageText } from '../../../llm/messages.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';

/** Longer diffs are cut in the chat; the Workforce view and the approval show them whole. */
const MAX_DIFF_LINES = 60;

/** The feedback quoted back (its start, when it is long: the reply must fit a chat message). */
const quote = (text: string) => `> ${quoteExcerpt(text).replace(/\n/g, '\n> ')}`;

function diffBlock(diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  const shown =
    lines.length > MAX_DIFF_LINES
      ? [...lines.slice(0, MAX_DIFF_LINES), `… ${lines.length - MAX_DIFF_LINES} more lines in the approval`]
      : lines;
  return ['```diff', ...shown, '```'].join('\n');
}

function replyFor(agent: LoadedAgent, feedback: string, result: ChatImprovementResult): string {
  const who = `**${agent.definition.title}** (\`${agent.definition.name}\`)`;
  switch (result.kind) {
    case 'proposed':
      return [
        `Feedback on ${who}:`,
        '',
        quote(feedback),
        '',
        `**Proposed change to its Context.md** — ${result.reason}`,
        '',
        diffBlock(result.diff),
        '',
        'Approve it in the Approvals queue or here. Nothing changes until it is approved; the current version is kept and can be restored in one click.',
      ].join('\n');
    case 'already_open':
      return [
        `${who} already has an improvement waiting for a decision, so I have not started another one (one open proposal per agent):`,
        '',
        quote(result.reason),
        '',
        'Decide that one in the Approvals queue first, then send this feedback again.',
      ].join('\n');
    case 'ended':
      return [`Feedback on ${who}:`, '', quote(feedback), '', result.reason].join('\n');
  }
}

/**
 * IMPROVE_AGENT: identifies the agent the feedback is about and hands the feedback to the
 * improvement workflow, which proposes a Context.md change (reason + diff) awaiting approval.
 * A host without that workflow gets an honest reply that it cannot change the agent.
 */
export const improvementNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const name = state.intent?.agent ?? state.stickyAgent;
    const agent = name ? deps.registry().get(name) : undefined;
    const feedback = messageText(state.messages.at(-1)!).trim();
    let reply: string;
    let improvement: Record<string, unknown> | null = null;
    let offline = true;
    if (!agent) {
      reply =
        'Which agent is this feedback about? Name it (for example “the blog post writer”) and I will propose the change to its instructions.';
    } else if (!deps.improvements) {
      reply = [
        `Understood — this is feedback on **${agent.definition.title}** (\`${agent.definition.name}\`):`,
        '',
        quote(feedback),
        '',
        `This host has no agent-improvement workflow, so I cannot turn it into a change here. You can edit \`agents/${agent.sourcePath}/Context.md\` directly; the next start picks it up.`,
      ].join('\n');
    } else {
      const ctx = runContext(config);
      const result = await deps.improvements.propose({ ...ctx, agentName: agent.definition.name, feedback });
      reply = replyFor(agent, feedback, result);
      improvement = {
        id: result.improvementId,
        kind: result.kind,
        approvalId: result.kind === 'ended' ? null : result.approvalId,
      };
      offline = result.kind !== 'proposed' || result.source === 'offline';
    }
    const replyMeta = agent
      ? { improvementTarget: agent.definition.name, ...(improvement ? { improvement } : {}) }
      : null;
    return {
      ...replyUpdate(reply, agent ? 'IMPROVE_AGENT' : 'CLARIFY', { replyMeta, offline }),
      messages: [new AIMessage(reply)],
    };
  };
