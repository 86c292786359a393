import type { Plan, PlanStep } from '@orchestrator/contracts';
import type { AgentRegistry } from '../../registry/registry.js';
import { clampDuration, formatDuration, toMinutes } from '../duration.js';
import { gapAreaFor } from '../../routing/gaps.js';
import { buildAgentStep, findAgent } from '../gaps.js';
import { days } from '../templates/helpers.js';
import { allIds, type StepEntry } from '../steps.js';
import { capitalize, overlap, slug, stem, stems, uniqueId } from '../text.js';
import type { AgentMatcher } from '../types.js';
import type { RefineOp } from './parse.js';
import type { Assignee } from './resolve.js';

/** What applying one change produced: a sentence for the summary, or a question back. */
export type Applied = { ok: true; summary: string; touched: string | null } | { ok: false; question: string };

export interface ApplyContext {
  registry: AgentRegistry;
  match: AgentMatcher;
}

const agentLabel = (registry: AgentRegistry, name: string) => registry.get(name)?.definition.title ?? name;
const qidOf = (e: StepEntry, id: string) => (e.parent ? `${e.qid.slice(0, e.qid.lastIndexOf('/'))}/${id}` : id);

export function applyDuration(e: StepEntry, op: Extract<RefineOp, { kind: 'duration' }>): Applied {
  const s = e.step;
  if (s.type === 'subproject') {
    const names = (s.steps ?? []).map((i) => i.name);
    return {
      ok: false,
      question: `"${s.name}" takes as long as its own steps (${formatDuration(s.estimatedDuration)}). Which of them should change: ${names.slice(0, 6).join(', ')}?`,
    };
  }
  const before = s.estimatedDuration;
  if (op.mode === 'subtract' && toMinutes(op.duration) >= toMinutes(before)) {
    return {
      ok: false,
      question: `"${s.name}" only takes ${formatDuration(before)}, so I can't take ${formatDuration(op.duration)} off it. How long should it take?`,
    };
  }
  const minutes =
    op.mode === 'set'
      ? toMinutes(op.duration)
      : toMinutes(before) + (op.mode === 'add' ? 1 : -1) * toMinutes(op.duration);
  s.estimatedDuration = op.mode === 'set' ? { ...op.duration } : clampDuration(minutes);
  const same = toMinutes(before) === toMinutes(s.estimatedDuration);
  return {
    ok: true,
    summary: same
      ? `${s.name} already takes ${formatDuration(before)}`
      : `${s.name}: ${formatDuration(before)} → ${formatDuration(s.estimatedDuration)}`,
    touched: e.qid,
  };
}

export function applyAssign(
  e: StepEntry,
  who: Assignee,
  collaboration: Extract<RefineOp, { kind: 'assign' }>['collaboration'],
  ctx: ApplyContext,
): Applied {
  const s = e.step;
  if (who.kind === 'human') {
    s.assignedHuman = who.name;
    s.collaboration =
      s.type === 'human_approval'
        ? 'approval'
        : (collaboration ?? s.collaboration ?? (stems(s.name).includes(stem('review')) ? 'review' : 'guidance'));
    const role = { approval: 'approves', review: 'reviews', guidance: 'guides', strategy: 'sets the strategy' }[
      s.collaboration
    ];
    return { ok: true, summary: `${s.name}: ${who.name} ${role}`, touched: e.qid };
  }
  const agent = ctx.registry.get(who.name)!.definition;
  s.assignedAgent = agent.name;
  if (s.capability !== null && !agent.capabilities.includes(s.capability)) {
    const want = stems(`${s.capability} ${s.name}`);
    const best = [...agent.capabilities].sort((a, b) => overlap(stems(b), want) - overlap(stems(a), want))[0]!;
    s.capability = overlap(stems(best), want) > 0 ? best : null;
  }
  return { ok: true, summary: `${s.name}: assigned to ${agent.title} (${agent.name})`, touched: e.qid };
}

/** Removes a step; whatever waited for it now waits for what it waited for. */
export function applyDrop(plan: Plan, e: StepEntry, all: StepEntry[]): Applied {
  const removeFrom = (entry: StepEntry): void => {
    const { step, siblings } = entry;
    siblings.splice(siblings.indexOf(step), 1);
    for (const other of siblings) {
      if (!other.dependsOn.includes(step.id)) continue;
      other.dependsOn = [...new Set([...other.dependsOn.filter((d) => d !== step.id), ...step.dependsOn])];
    }
    if (siblings.length === 0 && entry.parent) {
      const parentEntry = all.find((x) => x.step === entry.parent);
      if (parentEntry) removeFrom(parentEntry);
    }
  };
  removeFrom(e);
  if (plan.steps.length === 0)
    return {
      ok: false,
      question: `Dropping "${e.step.name}" would leave the plan with no steps. Should I drop the whole project instead?`,
    };
  return { ok: true, summary: `Dropped ${e.step.name}`, touched: null };
}

/** A new step at the anchor's level; a capability nobody has brings its build step along. */
export function applyAdd(
  plan: Plan,
  op: Extract<RefineOp, { kind: 'add' }>,
  anchor: StepEntry | null,
  ctx: ApplyContext,
): Applied {
  const level = anchor ? anchor.siblings : plan.steps;
  const parentDept = anchor?.parent?.department ?? null;
  const taken = allIds(plan.steps);
  const name = capitalize(op.name).slice(0, 120);
  const id = uniqueId(slug(name, 40), taken);
  taken.add(id);
  const isApproval = /\b(?:approv\w*|sign[- ]?off|go\/no[- ]go)\b/i.test(name);
  const capability = isApproval ? null : (gapAreaFor(name)?.capability ?? slug(name, 40));
  const found = capability
    ? findAgent({ capability, text: name, department: parentDept }, ctx.registry, ctx.match)
    : null;
  const agent = found ? ctx.registry.get(found.agent)!.definition : null;
  const step: PlanStep = {
    id,
    name,
    description: `Added while refining: ${name}${anchor ? ` (${op.relation} ${anchor.step.name})` : ''}.`,
    type: isApproval ? 'human_approval' : 'standard',
    department: agent?.department ?? parentDept,
    dependsOn: [],
    assignedAgent: found?.agent ?? null,
    assignedHuman: null,
    collaboration: isApproval ? 'approval' : null,
    capability: found?.capability ?? capability,
    riskLevel: isApproval ? 'high' : (agent?.risk.default ?? 'medium'),
    estimatedDuration: op.duration ?? (/\baudit\b/i.test(name) ? days(5) : days(3)),
  };
  if (anchor && op.relation === 'after') step.dependsOn = [anchor.step.id];
  if (anchor && op.relation === 'before') {
    step.dependsOn = [...anchor.step.dependsOn];
    anchor.step.dependsOn = [...anchor.step.dependsOn, id];
  }
  const parts = [`Added ${name}${anchor ? ` ${op.relation} ${anchor.step.name}` : ''}`];
  if (capability && !found) {
    const existing = level.find((s) => s.type === 'build_agent' && s.capability === capability);
    const build = existing ?? buildAgentStep(capability, [step], taken);
    if (!existing) level.splice(anchor ? level.indexOf(anchor.step) : level.length, 0, build);
    step.dependsOn = [build.id, ...step.dependsOn];
    parts.push(
      existing
        ? `after the existing "${build.name}" step`
        : `with "${build.name}" ahead of it (no agent can do it yet)`,
    );
  } else if (agent) {
    parts.push(`for ${agentLabel(ctx.registry, agent.name)}`);
  }
  if (!anchor) parts.push('— it runs in parallel; say "before <step>" to order it');
  const at = anchor ? level.indexOf(anchor.step) + (op.relation === 'after' ? 1 : 0) : level.length;
  level.splice(at, 0, step);
  return { ok: true, summary: parts.join(' '), touched: anchor ? qidOf(anchor, id) : id };
}

export function applyRisk(e: StepEntry, op: Extract<RefineOp, { kind: 'risk' }>): Applied {
  const before = e.step.riskLevel;
  if (e.step.type === 'subproject')
    return {
      ok: false,
      question: `"${e.step.name}" takes its risk from its steps (now ${before}). Which of its steps should be ${op.risk} risk?`,
    };
  e.step.riskLevel = op.risk;
  return {
    ok: true,
    summary:
      before === op.risk ? `${e.step.name} is already ${before} risk` : `${e.step.name}: risk ${before} → ${op.risk}`,
    touched: e.qid,
  };
}

export function applyRename(e: StepEntry, op: Extract<RefineOp, { kind: 'rename' }>): Applied {
  const before = e.step.name;
  const name = capitalize(op.name).slice(0, 200);
  if (!name.trim()) return { ok: false, question: `What should "${before}" be called?` };
  e.step.name = name;
  return { ok: true, summary: `Renamed ${before} → ${name}`, touched: e.qid };
}
