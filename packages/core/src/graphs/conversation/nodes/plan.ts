import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { countPlanSteps, type Duration, type Plan } from '@orchestrator/contracts';
import { createAgentMatcher } from '../../../delegation/matcher.js';
import { createPlan } from '../../../planning/index.js';
import type { ConversationGraphDeps } from '../deps.js';
import { runContext } from '../deps.js';
import { messageText } from '../../../llm/messages.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';

const durationText = ({ value, unit }: Duration): string => `${value} ${value === 1 ? unit.slice(0, -1) : unit}`;

/**
 * The chat text that accompanies a plan card: one short summary (title, size, duration, what is
 * asked of the person). The card below it holds the detail — steps, people, warnings — so nothing
 * is said twice, and the step count comes from the same function the card counts with.
 */
export function planSummary(plan: Plan, version: number): string {
  const steps = countPlanSteps(plan.steps);
  const checks = plan.warnings.length;
  return [
    `**${plan.title}** — plan v${version}: ${steps} ${steps === 1 ? 'step' : 'steps'}, about ${durationText(plan.criticalPath.display)} from start to finish.`,
    `It **needs your approval** before anything starts. ${checks > 0 ? `The card lists ${checks === 1 ? 'one point' : `${checks} points`} to check first; approve` : 'Approve'} it there, or tell me what to change.`,
  ].join('\n\n');
}

/** CREATE_PROJECT: decompose the request into a plan, store it as version 1, show the card. */
export const planNode =
  (deps: ConversationGraphDeps) =>
  async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const ctx = runContext(config);
    const registry = deps.registry();
    const match = createAgentMatcher(registry, deps.index(), await deps.loads.snapshot(ctx.workspaceId));
    const plan = createPlan({
      request: messageText(state.messages.at(-1)!),
      registry,
      match,
      department: state.intent?.department ?? null,
      horizon: state.intent?.horizon ?? null,
      now: new Date(),
    });
    const stored = await deps.projects.createWithPlan({ ...ctx, plan, changeSummary: 'Initial plan' });
    const reply = planSummary(plan, stored.version);
    return {
      ...replyUpdate(reply, 'CREATE_PROJECT', {
        replyMeta: { project: { id: stored.projectId, version: stored.version } },
      }),
      messages: [new AIMessage(reply)],
      activeProject: { id: stored.projectId, version: stored.version },
    };
  };
