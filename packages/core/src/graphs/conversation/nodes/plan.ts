import { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { departmentLabel, type Plan } from '@orchestrator/contracts';
import { createAgentMatcher } from '../../../delegation/matcher.js';
import { createPlan } from '../../../planning/index.js';
import type { ConversationGraphDeps } from '../deps.js';
import { runContext } from '../deps.js';
import { messageText } from '../../../llm/messages.js';
import { replyUpdate, type ConversationStateType, type ConversationUpdate } from '../state.js';

const flatten = (plan: Plan) => plan.steps.flatMap((s) => (s.type === 'subproject' ? (s.steps ?? []) : [s]));

/** The chat text that accompanies a plan card: the essentials and what to do next. */
export function planSummary(plan: Plan, version: number): string {
  const steps = flatten(plan);
  const departments = [...new Set(steps.map((s) => s.department).filter((d): d is string => !!d))];
  const humans = steps.filter((s) => s.collaboration !== null || s.type === 'human_approval');
  const toAssign = humans.filter((s) => !s.assignedHuman).length;
  const builds = steps.filter((s) => s.type === 'build_agent');
  return [
    `**${plan.title}** — plan v${version}: ${steps.length} steps across ${departments.map(departmentLabel).join(', ') || 'one team'}, about **${plan.criticalPath.display.value} ${plan.criticalPath.display.unit}** on the critical path.`,
    ...(humans.length
      ? [
          `${humans.length} step${humans.length === 1 ? '' : 's'} involve people${toAssign ? ` (${toAssign} still to assign)` : ''}.`,
        ]
      : []),
    ...(builds.length
      ? [`Missing capabilities: ${builds.map((b) => b.name).join('; ')} — a \`build_agent\` step comes first.`]
      : []),
    ...plan.warnings.map((w) => `⚠ ${w}`),
    '',
    'Approve it on the card, or tell me what to change — e.g. “make the budget step 2 weeks”, “assign the review to Sarah”, “drop the social media step”.',
  ].join('\n');
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
