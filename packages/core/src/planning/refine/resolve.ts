import type { Plan, PlanStep } from '@orchestrator/contracts';
import type { AgentRegistry } from '../../registry/registry.js';
import { allEntries, type StepEntry } from '../steps.js';
import { stem, stems, words } from '../text.js';

export type Resolved<T> = { kind: 'found'; value: T } | { kind: 'ambiguous'; options: T[] } | { kind: 'none' };

/** Scores closer than this are a tie: the person is asked which one they mean. */
const TIE_MARGIN = 0.3;
const PRONOUN = /^(?:it|that|this|that one|this one|that step|this step|them)$/i;

const norm = (s: string): string => words(s.replace(/_/g, ' ')).join(' ');
const cleanTarget = (s: string): string =>
  s
    .trim()
    .replace(/^(?:the|our|a|an)\s+/i, '')
    .replace(/\s+(?:step|task)$/i, '')
    .trim();

export interface TargetHint {
  /** What the instruction is about, to break ties: approving prefers approval steps. */
  prefer?: 'approval' | 'review' | null;
  /** The step the previous instruction touched, for "it". */
  last?: string | null;
  /** A person is being assigned: steps still waiting for one are the likelier target. */
  person?: boolean;
}

/** Stems of the words a step's type stands for ("approve" for an approval step). */
const APPROVE = stem('approve');
const REVIEW = stem('review');
const TYPE_WORDS: Partial<Record<StepEntry['step']['type'], string[]>> = {
  human_approval: [APPROVE],
  build_agent: ['build', 'agent'].map(stem),
  subproject: ['subproject', 'work'].map(stem),
};

function scoreEntry(e: StepEntry, q: readonly string[], phrase: string, hint: TargetHint): number {
  const s = e.step;
  const name = stems(s.name);
  const strong = new Set([...name, ...stems(s.id)]);
  const weak = new Set([...stems(s.department ?? ''), ...(TYPE_WORDS[s.type] ?? []), ...stems(s.capability ?? '')]);
  let covered = 0;
  for (const w of q) covered += strong.has(w) ? 1 : weak.has(w) ? 0.5 : 0;
  const coverage = covered / q.length;
  if (coverage < 0.5) return 0;
  const precision = name.length ? q.filter((w) => name.includes(w)).length / name.length : 0;
  let score = 2 * coverage + precision;
  if (norm(phrase) === norm(s.name) || norm(phrase) === norm(s.id)) score += 2;
  const approvalStep = s.type === 'human_approval' || name.includes(APPROVE);
  if (hint.prefer === 'approval' && approvalStep) score += 0.5;
  else if (!q.includes(APPROVE) && s.type === 'human_approval') score -= 0.4;
  if (hint.prefer === 'review' && name.includes(REVIEW)) score += 0.3;
  if (hint.person && s.assignedHuman === null && (s.collaboration !== null || s.type === 'human_approval'))
    score += 0.5;
  return score;
}

/**
 * A phrase that names only a kind of work ("the review", "approval", "sign-off"): every step of
 * that kind could be meant — those named for it and those waiting for a person to do it — so
 * when there are several, the person is asked which, never one picked for them.
 */
const KIND_OF_WORK: Record<string, { collaboration: PlanStep['collaboration']; type: PlanStep['type'] | null }> = {
  [REVIEW]: { collaboration: 'review', type: null },
  [APPROVE]: { collaboration: 'approval', type: 'human_approval' },
};

function stepsOfKind(all: StepEntry[], q: readonly string[]): StepEntry[] | null {
  const kind = q.length === 1 ? KIND_OF_WORK[q[0]!] : undefined;
  if (!kind) return null;
  return all.filter(
    ({ step }) =>
      step.type !== 'subproject' &&
      (step.collaboration === kind.collaboration || step.type === kind.type || stems(step.name).includes(q[0]!)),
  );
}

/** Finds the step a phrase names — by name words, id, department and type — or says it is a tie. */
export function resolveStep(plan: Plan, rawPhrase: string, hint: TargetHint = {}): Resolved<StepEntry> {
  const phrase = cleanTarget(rawPhrase);
  const all = allEntries(plan);
  if (PRONOUN.test(phrase)) {
    const last = hint.last ? all.find((e) => e.qid === hint.last) : undefined;
    return last ? { kind: 'found', value: last } : { kind: 'none' };
  }
  const q = stems(phrase);
  if (q.length === 0) return { kind: 'none' };
  const kindOptions = stepsOfKind(all, q);
  // Naming a person for "the review": the reviews still waiting for one, if any, are what is meant.
  const waiting = kindOptions?.filter(({ step }) => step.assignedHuman === null && step.collaboration !== null);
  const ofKind = hint.person && waiting && waiting.length > 0 ? waiting : kindOptions;
  if (ofKind && ofKind.length > 1) return { kind: 'ambiguous', options: ofKind };
  if (ofKind?.length === 1) return { kind: 'found', value: ofKind[0]! };
  const scored = all.map((e) => ({ e, score: scoreEntry(e, q, phrase, hint) })).filter((x) => x.score > 0);
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return { kind: 'none' };
  const close = scored.filter((x) => best.score - x.score < TIE_MARGIN);
  return close.length === 1
    ? { kind: 'found', value: best.e }
    : { kind: 'ambiguous', options: close.slice(0, 4).map((x) => x.e) };
}

export type Assignee = { kind: 'agent'; name: string } | { kind: 'human'; name: string };

/** Words that are not somebody's name: asked about rather than stored as a person. */
const NOT_A_PERSON =
  /^(?:me|myself|us|someone|somebody|anyone|team|the team|legal|security|design|sales|support|it|them|him|her|a person|a human|people)$/i;

/** "the content strategist" → agent, "finance" → its department lead, "Mike from Finance" → a person. */
export function resolveAssignee(raw: string, registry: AgentRegistry): Resolved<Assignee> {
  const phrase = raw
    .trim()
    .replace(/[.!?]+$/, '')
    .replace(/^(?:the|our|a|an)\s+/i, '')
    .replace(/\s+agent$/i, '')
    .trim();
  const q = stems(phrase);
  const agentWords = (name: string, title: string) => [
    new Set(stems(name.replace(/_orchestrator$/, ''))),
    new Set(stems(title)),
  ];
  const exact: string[] = [];
  const partial: string[] = [];
  for (const a of registry.agents) {
    const sets = agentWords(a.definition.name, a.definition.title);
    if (q.length && sets.some((set) => set.size === q.length && q.every((w) => set.has(w))))
      exact.push(a.definition.name);
    else if (q.length && sets.some((set) => q.every((w) => set.has(w)))) partial.push(a.definition.name);
  }
  if (exact.length === 1) return { kind: 'found', value: { kind: 'agent', name: exact[0]! } };
  const dept = words(phrase).length === 1 ? registry.departments().find((d) => stem(d) === q[0]) : undefined;
  const lead = dept ? registry.departmentLead(dept) : undefined;
  if (lead) return { kind: 'found', value: { kind: 'agent', name: lead.definition.name } };
  const candidates = exact.length > 1 ? exact : partial;
  const looksLikeName =
    /^[A-Z][\p{L}'’-]+(?:\s+[A-Z][\p{L}'’-]+)?(?:\s+(?:from|in|on|of)\s+(?:the\s+)?[\p{L}&-]+(?:\s+[A-Z][\p{L}&-]+)?)?$/u.test(
      phrase,
    );
  if (looksLikeName && candidates.length === 0)
    return { kind: 'found', value: { kind: 'human', name: phrase.slice(0, 120) } };
  if (candidates.length === 1) return { kind: 'found', value: { kind: 'agent', name: candidates[0]! } };
  if (candidates.length > 1)
    return { kind: 'ambiguous', options: candidates.map((name) => ({ kind: 'agent', name }) as Assignee) };
  // A lowercase single word ("sarah") is most likely a first name.
  if (/^[\p{L}'’-]{2,30}$/u.test(phrase) && !NOT_A_PERSON.test(phrase)) {
    return { kind: 'found', value: { kind: 'human', name: phrase[0]!.toUpperCase() + phrase.slice(1) } };
  }
  return { kind: 'none' };
}
