import type { Plan } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { assignAgents } from './assign.js';
import { finalizePlan } from './finalize.js';
import { genericSteps } from './generic.js';
import { groupByDepartment, isOwningDepartment } from './group.js';
import { analyseRequest, type Market, type RequestContext } from './request.js';
import { selectTemplate } from './templates/index.js';
import type { AgentMatcher, ProjectTemplate, TemplateStep } from './types.js';

export interface CreatePlanInput {
  request: string;
  registry: AgentRegistry;
  match: AgentMatcher;
  /** From intent recognition: the lead department (`cross` or `new:<area>` are hints only). */
  department?: string | null;
  horizon?: Plan['horizon'] | null;
  /** Today, to turn "by March" or "next quarter" into working days; without it they are estimated. */
  now?: Date;
}

const fill = (text: string, market: Market | null): string =>
  text
    .replace(/\{market\}/g, market?.name ?? 'the target market')
    .replace(/\{language\}/g, market?.language ?? 'the local language');

/** Template steps for this request: market words filled in, localisation added for a non-English market. */
export function instantiateTemplate(template: ProjectTemplate, ctx: RequestContext): TemplateStep[] {
  const steps: TemplateStep[] = template.steps.map((s) => ({
    ...s,
    name: fill(s.name, ctx.market),
    description: fill(s.description, ctx.market),
    dependsOn: [...s.dependsOn],
  }));
  if (!ctx.market?.needsLocalization) return steps;
  for (const hook of template.localization ?? []) {
    const added: TemplateStep = {
      id: hook.id,
      name: fill(hook.name, ctx.market),
      description: fill(hook.description, ctx.market),
      type: 'standard',
      department: hook.department,
      capability: 'localization',
      dependsOn: [...hook.after],
      riskLevel: hook.riskLevel,
      duration: hook.duration,
      collaboration: 'review',
    };
    for (const s of steps) if (hook.before.includes(s.id)) s.dependsOn.push(hook.id);
    const lastAfter = Math.max(...hook.after.map((a) => steps.findIndex((s) => s.id === a)));
    steps.splice(lastAfter + 1, 0, added);
  }
  return steps;
}

function marketNote(template: ProjectTemplate | null, ctx: RequestContext): string[] {
  if (!ctx.market) return [];
  if (!ctx.market.needsLocalization || !template?.localization?.length)
    return [`Market: planned for ${ctx.market.name}.`];
  const names = template.localization.map((h) => `"${fill(h.name, ctx.market)}"`);
  return [`Market: planned for ${ctx.market.name} — added ${ctx.market.language} localisation: ${names.join(', ')}.`];
}

/**
 * Template-based decomposition (the offline planner): pick a template or decompose generically,
 * adapt it to market and deadline, put agents on the steps, group departments into subprojects,
 * and validate. Throws PlanError only if the result is invalid (a planner or template bug).
 */
export function createPlan(input: CreatePlanInput): Plan {
  const { request, registry, match } = input;
  const ctx = analyseRequest(request, input.now);
  const template = selectTemplate(request);
  const base = template
    ? {
        steps: instantiateTemplate(template, ctx),
        leadDepartment: template.leadDepartment,
        title: template.title(request),
      }
    : genericSteps(request, ctx, registry, match, input.department ?? null);
  const title =
    ctx.market && !base.title.includes(ctx.market.name) ? `${base.title} in ${ctx.market.name}` : base.title;
  const drafts = assignAgents(base.steps, registry, match);
  const { steps, grouped } = groupByDepartment(drafts, registry);
  const owning = [...new Set(drafts.map((d) => d.department).filter(isOwningDepartment))];
  const department = grouped ? 'cross' : (owning[0] ?? base.leadDepartment);
  return finalizePlan(
    {
      title,
      request,
      template: template?.id ?? null,
      department,
      horizon: input.horizon ?? null,
      steps,
      warnings: marketNote(template, ctx),
      deadline: ctx.deadline,
      longTermWords: ctx.longTermWords,
    },
    registry,
    match,
  );
}
