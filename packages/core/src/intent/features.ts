import { stem, words } from '../routing/text.js';
import { STRONG_MATCH, WEAK_MATCH, type MessageAnalysis } from './analysis.js';
import type { AgentRegistry } from '../registry/registry.js';

/**
 * Feature groups. Each n-gram group is TF-IDF weighted and L2-normalised on its own, then scaled
 * by its weight, so that many n-grams cannot drown the few cue features. (Character n-grams were
 * tried and dropped: lower cross-validated accuracy, slower training; typos are handled by the
 * spelling corrector instead — docs/offline-intent-model.md.)
 */
export const FEATURE_GROUPS = {
  /** word unigrams (stemmed, stopwords kept: "it", "who", "always" carry intent) */
  w: 1.0,
  /** word bigrams with sentence boundaries ("<s> who", "keeps adding") */
  b: 0.8,
  /** words of the last turns of the conversation */
  h: 0.35,
  /** engineered cues (binary) */
  f: 0.7,
  /** department evidence from the capability index (0..1 per department) */
  e: 0.6,
} as const;
export type FeatureGroup = keyof typeof FEATURE_GROUPS;

/** Raw features: `group:key` → count (n-grams) or 1 (cues). */
export type RawFeatures = Map<string, number>;

const add = (f: RawFeatures, key: string, v = 1) => f.set(key, (f.get(key) ?? 0) + v);

function tokens(text: string): string[] {
  return words(text).map((w) => stem(w.replace(/'s$/, '').replace(/'/g, '')));
}

function ngramFeatures(f: RawFeatures, text: string): void {
  const toks = tokens(text);
  for (const t of toks) add(f, `w:${t}`);
  const padded = ['<s>', ...toks, '</s>'];
  for (let i = 0; i + 1 < padded.length; i++) add(f, `b:${padded[i]}_${padded[i + 1]}`);
}

function bucket(n: number, edges: number[]): string {
  for (const e of edges) if (n <= e) return `le${e}`;
  return `gt${edges[edges.length - 1]}`;
}

/** The engineered cues: text shape, organisation knowledge, gaps, scope and history. */
function cueFeatures(a: MessageAnalysis, registry: AgentRegistry): string[] {
  const out = [...a.cues];
  const has = (c: string) => a.cues.includes(c);
  out.push(`len_${bucket(a.tokens, [2, 4, 7, 12, 20, 35])}`, `known_${bucket(a.knownTerms, [0, 1, 3, 6])}`);
  const agents = a.mentions.filter((m) => m.kind === 'agent').map((m) => m.name);
  const specialists = agents.filter((n) => registry.get(n)?.definition.type !== 'orchestrator');
  if (specialists.length > 0) out.push('mention_specialist');
  if (agents.length > specialists.length) out.push('mention_orchestrator');
  if (a.mentions.some((m) => m.kind === 'department')) out.push('mention_department');
  if (a.leadingAgent) out.push('leading_agent');
  const named = agents.length > 0;
  if (named && (has('complaint') || has('feedback_habit'))) out.push('agent_and_complaint');
  if (named && (has('feedback_change') || has('feedback_context'))) out.push('agent_and_change');
  if (named && has('praise')) out.push('agent_and_praise');
  const top = a.matches[0]?.score ?? 0;
  out.push(top >= 0.8 ? 'idx_strong' : top >= STRONG_MATCH ? 'idx_good' : top >= WEAK_MATCH ? 'idx_weak' : 'idx_none');
  const gap = a.gaps[0];
  if (gap) {
    out.push(gap.strength >= 2 ? 'gap_strong' : 'gap_weak');
    if (top < STRONG_MATCH) out.push('gap_unmatched');
    if (has('permanent') || has('recurring')) out.push('gap_and_standing');
    if (has('agent_word') || has('create_verb')) out.push('gap_and_agent');
  }
  if (has('agent_word') && has('create_verb')) out.push('create_agent');
  if ((has('permanent') || has('recurring')) && has('create_verb')) out.push('create_standing');
  const depts = a.segmentDepartments.length;
  if (depts >= 2) out.push('depts_2plus');
  if (depts >= 3) out.push('depts_3plus');
  const evident = [...a.departmentEvidence.values()].filter((v) => v >= 0.5).length;
  if (evident >= 2) out.push('evidence_2plus');
  if (evident >= 3) out.push('evidence_3plus');
  out.push(`segments_${bucket(a.segments, [1, 2, 3, 5])}`);
  if (a.knownTerms === 0 && !gap) out.push('no_content');
  if (has('vague_noun') && a.knownTerms <= 1) out.push('vague_no_content');
  const h = a.history;
  if (h.hasHistory) {
    out.push('h_has');
    if (h.assistantAsked) out.push('h_asked');
    if (h.options.length > 0) out.push('h_options');
    if (h.chosenOption) out.push('h_chosen');
    if (h.assistantAsked && !h.chosenOption && a.knownTerms <= 1) out.push('h_unresolved');
    if (h.noAgent) out.push('h_no_agent');
    if (h.noAgent && (has('affirm') || has('create_verb') || has('recurring') || has('permanent')))
      out.push('h_no_agent_go');
    if (h.agentProblem) out.push('h_agent_problem');
    if (h.agentProblem && (has('feedback_habit') || has('feedback_change') || has('complaint')))
      out.push('h_problem_feedback');
    if (h.status) out.push('h_status');
    if (a.tokens <= 8) out.push('h_short_answer');
  } else {
    out.push('h_none');
    if (has('pronoun_object') || has('vague_noun')) out.push('pronoun_no_history');
  }
  return out;
}

export function extractFeatures(a: MessageAnalysis, registry: AgentRegistry): RawFeatures {
  const f: RawFeatures = new Map();
  ngramFeatures(f, a.input.text);
  for (const c of cueFeatures(a, registry)) f.set(`f:${c}`, 1);
  for (const [d, v] of a.departmentEvidence) f.set(`e:${d}`, v);
  const h = a.history;
  if (h.hasHistory) {
    for (const t of new Set(tokens(h.lastAssistant))) add(f, `h:a_${t}`);
    for (const t of new Set(tokens(h.lastUser))) add(f, `h:u_${t}`);
  }
  return f;
}
