import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { createAgentMatcher } from '../../../delegation/matcher.js';
import { refinePlan } from '../../../planning/index.js';
import type { ConversationGraphDeps } from '../deps.js';
import { runContext } from '../deps.js';
import { messageText } from '../../../llm/messages.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';
import { planSummary } from './plan.js';

/** Applies a chat refinement to the active plan as a new stored version. */
export const refinePlanNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const ctx = runContext(config);
    const active = state.activeProject!;
    const current = await deps.projects.current(ctx.workspaceId, active.id);
    const say = (reply: string, extra: ConversationUpdate = {}): ConversationUpdate => ({
      ...replyUpdate(reply, 'CREATE_PROJECT'),
      messages: [new AIMessage(reply)],
      ...extra,
    });
    if (!current || current.summary.approvedAt || current.summary.status !== 'awaiting_plan_approval') {
      return say(
        `The plan of “${current?.summary.title ?? 'that project'}” is ${current?.summary.approvedAt ? 'already approved' : 'no longer open for changes'}, so I have not changed it. Ask for a new project if the scope has changed.`,
        { activeProject: null },
      );
    }
    const registry = deps.registry();
    const match = createAgentMatcher(registry, deps.index(), await deps.loads.snapshot(ctx.workspaceId));
    const result = refinePlan(current.plan, messageText(state.messages.at(-1)!), { registry, match, now: new Date() });
    if (result.kind === 'unclear') return say(result.question);
    const stored = await deps.projects.revisePlan({
      workspaceId: ctx.workspaceId,
      projectId: active.id,
      baseVersion: current.version,
      plan: result.plan,
      changeSummary: result.changeSummary,
      author: ctx.userId ?? 'user',
    });
    const reply = `${result.changeSummary}\n\n${planSummary(result.plan, stored.version)}`;
    return {
      ...replyUpdate(reply, 'CREATE_PROJECT', { replyMeta: { project: { id: active.id, version: stored.version } } }),
      messages: [new AIMessage(reply)],
      activeProject: { id: active.id, version: stored.version },
    };
  };
