import type { Plan } from '@orchestrator/contracts';
import type { AgentRegistry } from '../../registry/registry.js';
import { finalizePlan } from '../finalize.js';
import { parseDeadline } from '../request.js';
import { allEntries, type StepEntry } from '../steps.js';
import { joinOr } from '../text.js';
import type { AgentMatcher } from '../types.js';
import { applyAdd, applyAssign, applyDrop, applyDuration, applyRename, applyRisk, type Applied } from './apply.js';
import { parseInstruction, splitInstructions, type RefineOp } from './parse.js';
import { resolveAssignee, resolveStep, type TargetHint } from './resolve.js';

export interface RefineContext {
  registry: AgentRegistry;
  match: AgentMatcher;
  /** Today, to check date deadlines in the request ("by March"). */
  now?: Date;
}

export type RefineResult =
  { kind: 'revised'; plan: Plan; changeSummary: string } | { kind: 'unclear'; question: string };

const EXAMPLES =
  '"make <step> 2 weeks", "assign <step> to Sarah", "give <step> to the content strategist", "drop <step>", "add a legal review before <step>", "mark <step> as high risk" or "rename <step> to …"';

const stepList = (options: StepEntry[]): string => joinOr(options.map((o) => o.step.name));
const unquote = (phrase: string): string =>
  phrase
    .trim()
    .replace(/^["“'‘]+|["”'’]+$/g, '')
    .trim();

/**
 * The question for a phrase several steps answer to: a few fit in a sentence; more are listed one
 * per line, by name, with an example of how to name one.
 */
function whichStep(phrase: string, options: StepEntry[]): string {
  if (options.length <= 4) return `Which step do you mean: ${stepList(options)}?`;
  const example = options[0]!.step.name;
  return [
    `${options.length} steps match “${phrase}”. Which one do you mean?`,
    '',
    ...options.map((o) => `- ${o.step.name}`),
    '',
    `Name one, e.g. “${example}”.`,
  ].join('\n');
}

function pick(plan: Plan, phrase: string, hint: TargetHint): StepEntry | string {
  const r = resolveStep(plan, phrase, hint);
  if (r.kind === 'found') return r.value;
  if (r.kind === 'ambiguous') return whichStep(unquote(phrase), r.options);
  const names = plan.steps.map((s) => s.name).slice(0, 8);
  return `I could not find a step matching "${unquote(phrase)}". Which step do you mean? The plan has: ${names.join(', ')}${plan.steps.length > 8 ? ', …' : ''}.`;
}

function applyOne(plan: Plan, op: RefineOp, ctx: RefineContext, last: string | null): Applied {
  if (op.kind === 'unknown')
    return {
      ok: false,
      question: op.question ?? `I'm not sure what to change for "${op.clause}". You can say, for example, ${EXAMPLES}.`,
    };
  if (op.kind === 'add') {
    if (!op.anchor) return applyAdd(plan, op, null, ctx);
    const anchor = pick(plan, op.anchor, { last });
    return typeof anchor === 'string' ? { ok: false, question: anchor } : applyAdd(plan, op, anchor, ctx);
  }
  const prefer =
    op.kind === 'assign' && (op.collaboration === 'approval' || op.collaboration === 'review')
      ? op.collaboration
      : null;
  const who = op.kind === 'assign' ? resolveAssignee(op.assignee, ctx.registry) : null;
  const person = who?.kind === 'found' && who.value.kind === 'human';
  const target = pick(plan, op.target, { prefer, last, person });
  if (typeof target === 'string') return { ok: false, question: target };
  switch (op.kind) {
    case 'duration':
      return applyDuration(target, op);
    case 'drop':
      return applyDrop(plan, target, allEntries(plan));
    case 'risk':
      return applyRisk(target, op);
    case 'rename':
      return applyRename(target, op);
    case 'assign': {
      if (who?.kind === 'found') return applyAssign(target, who.value, op.collaboration, ctx);
      if (who?.kind === 'ambiguous') {
        const titles = who.options.map((o) => ctx.registry.get(o.name)?.definition.title ?? o.name).sort();
        return { ok: false, question: `Which agent do you mean for "${target.step.name}": ${joinOr(titles)}?` };
      }
      return {
        ok: false,
        question: `Who should take "${target.step.name}"? Name a person (e.g. "assign it to Sarah") or an agent (e.g. "give it to the content strategist").`,
      };
    }
  }
}

/**
 * Applies chat instructions to a plan, in order, on a copy. Anything it cannot map to a step
 * or a change comes back as one question and leaves the plan as it was; a revised plan is
 * re-validated with its critical path and warnings recomputed.
 */
export function refinePlan(plan: Plan, instruction: string, ctx: RefineContext): RefineResult {
  const clauses = splitInstructions(instruction);
  if (clauses.length === 0)
    return { kind: 'unclear', question: `What should I change in the plan? For example: ${EXAMPLES}.` };
  const draft: Plan = structuredClone(plan);
  const summaries: string[] = [];
  let last: string | null = null;
  for (const clause of clauses) {
    const result = applyOne(draft, parseInstruction(clause), ctx, last);
    if (!result.ok) return { kind: 'unclear', question: result.question };
    summaries.push(result.summary);
    last = result.touched;
  }
  const revised = finalizePlan(
    { ...draft, warnings: draft.warnings, deadline: parseDeadline(draft.request, ctx.now), longTermWords: false },
    ctx.registry,
    ctx.match,
  );
  return { kind: 'revised', plan: revised, changeSummary: `${summaries.join('; ')}.` };
}
