import type { IntentExample } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { CapabilityIndex, type CapabilityMatch } from '../routing/capability-index.js';
import { contentTerms } from '../routing/text.js';
import { textCues } from './cues.js';
import { detectGapAreas, type GapHit } from '../routing/gaps.js';
import { viewHistory, type HistoryView } from './history.js';
import { MentionIndex, type Mention } from '../org/mentions.js';
import { SpellingCorrector } from './spelling.js';
import type { IntentInput } from './types.js';

/** A capability match counts as "this agent can do it" from this score up. */
export const STRONG_MATCH = 0.6;
/** Below this the best agent is not a real match. */
export const WEAK_MATCH = 0.3;
/** A clause of a list ("…, a launch video, paid social") points at a department from this score. */
export const SEGMENT_MATCH = 0.4;
/** Matches below this are noise for department evidence. */
const EVIDENCE_MATCH = 0.3;

/** Everything the classifier derives from one message before any model runs. */
export interface MessageAnalysis {
  input: IntentInput;
  cues: string[];
  /** Agents and departments named in the message, in order. */
  mentions: Mention[];
  /** An agent named in the first few words ("The QA tester missed…", "Recruiter outreach…"). */
  leadingAgent: string | null;
  history: HistoryView;
  /** Specialists ranked on the message alone. */
  matches: CapabilityMatch[];
  /** Specialists ranked on the message plus what the history resolves it to. */
  resolvedMatches: CapabilityMatch[];
  gaps: GapHit[];
  /** Departments (or `new:<area>`) that distinct parts of the message point at. */
  segmentDepartments: string[];
  /**
   * How strongly the message points at each department (0..1, the strongest is 1): the best
   * match per department summed over the clauses of the message and the message as a whole.
   */
  departmentEvidence: Map<string, number>;
  /** Clauses of the message that carry content (list items, steps). */
  segments: number;
  /** Content words the workforce's profiles know. */
  knownTerms: number;
  tokens: number;
}

export interface AnalysisContext {
  registry: AgentRegistry;
  index: CapabilityIndex;
  mentions: MentionIndex;
  /** The department each agent's work belongs to (see `workDomains`). */
  domains: ReadonlyMap<string, string>;
  /** Typo correction applied to every message before analysis (training and classification alike). */
  speller?: SpellingCorrector;
}

/** Everything analysis needs, built once per registry and training set. */
export function createAnalysisContext(
  registry: AgentRegistry,
  index: CapabilityIndex | undefined,
  examples: readonly IntentExample[],
): AnalysisContext {
  const profiles = registry.agents.flatMap(({ definition: d, contextMd }) => [
    d.name.replace(/_/g, ' '),
    d.title,
    d.description,
    ...d.capabilities.map((c) => c.replace(/_/g, ' ')),
    ...d.keywords,
    contextMd,
  ]);
  const texts = examples.flatMap((e) => [e.text, ...(e.history ?? []).map((t) => t.content)]);
  return {
    registry,
    index: index ?? new CapabilityIndex(registry),
    mentions: new MentionIndex(registry),
    domains: workDomains(registry),
    speller: new SpellingCorrector([...texts, ...profiles]),
  };
}

/**
 * The department whose work each agent stands for: its own, except for executives who oversee
 * exactly one department (the CFO's work is finance work). Managers' profiles describe their
 * department as a whole, which is what a project-sized request is phrased like.
 */
export function workDomains(registry: AgentRegistry): Map<string, string> {
  const out = new Map<string, string>();
  for (const { definition: d } of registry.agents) {
    const below = new Set(
      registry
        .allReports(d.name)
        .map((a) => a.definition.department)
        .filter((x) => x !== d.department),
    );
    out.set(
      d.name,
      d.department === 'executive' && d.type === 'orchestrator' && below.size === 1 ? [...below][0]! : d.department,
    );
  }
  return out;
}

interface Segments {
  departments: string[];
  segments: number;
  evidence: Map<string, number>;
}

/** Splits a message into clauses (list items, steps) and collects where each one points. */
function segmentDepartments(
  ctx: AnalysisContext,
  text: string,
  whole: CapabilityMatch[],
  wholeGaps: GapHit[],
): Segments {
  const evidence = new Map<string, number>();
  const vote = (matches: CapabilityMatch[], gaps: GapHit[]) => {
    const seen = new Set<string>();
    for (const m of matches) {
      if (m.score < EVIDENCE_MATCH || seen.has(m.department)) continue;
      seen.add(m.department);
      evidence.set(m.department, (evidence.get(m.department) ?? 0) + m.score);
    }
    for (const g of gaps)
      if (g.strength >= 2)
        evidence.set(`new:${g.area}`, (evidence.get(`new:${g.area}`) ?? 0) + Math.min(1, g.strength / 4));
  };
  // The message as a whole is also compared with managers' and executives' profiles.
  const overall = ctx.index
    .rank(text, { limit: 10, explain: false, includeOrchestrators: true })
    .map((m) => ({ ...m, department: ctx.domains.get(m.agent) ?? m.department }));
  vote(overall, wholeGaps);
  const parts = text
    .split(/[,;:\n]|\band\b|\bthen\b|\bplus\b|\+|\bas well as\b/i)
    .map((p) => p.trim())
    .filter((p) => contentTerms(p).length > 0);
  const departments = new Set<string>();
  for (const p of parts) {
    const matches = parts.length > 1 ? ctx.index.rank(p, { limit: 8, explain: false }) : whole;
    const gaps = parts.length > 1 ? detectGapAreas(p) : wholeGaps;
    if (parts.length > 1) vote(matches, gaps);
    const best = matches[0];
    const gap = gaps[0];
    if (gap && gap.strength >= 2 && (!best || best.score < STRONG_MATCH)) departments.add(`new:${gap.area}`);
    else if (best && best.score >= SEGMENT_MATCH) departments.add(best.department);
  }
  const max = Math.max(0, ...evidence.values());
  if (max > 0) for (const [d, v] of evidence) evidence.set(d, v / max);
  return { departments: [...departments], segments: parts.length, evidence };
}

/** Mentions starting within the first few words are what the sentence is about. */
const LEADING_CHARS = 24;

export function analyseMessage(ctx: AnalysisContext, raw: IntentInput): MessageAnalysis {
  const input = ctx.speller ? { ...raw, text: ctx.speller.correct(raw.text) } : raw;
  const { text } = input;
  const history = viewHistory(ctx.mentions, input.history, text);
  const mentions = ctx.mentions.find(text);
  const lead = mentions.find((m) => m.kind === 'agent' && m.at <= LEADING_CHARS);
  const matches = ctx.index.rank(text, { limit: 8 });
  const gaps = detectGapAreas(text);
  // A short answer to a question means little on its own: rank it with the option it picked
  // and the request it answers ("the cert" + "TLS certificate expiry alert" + "the AWS thing").
  const resolvedText = history.hasHistory ? [text, history.chosenOption ?? '', history.lastUser].join('. ') : text;
  const resolvedMatches = history.hasHistory ? ctx.index.rank(resolvedText, { limit: 5 }) : matches;
  const terms = contentTerms(text);
  const seg = segmentDepartments(ctx, text, matches, gaps);
  return {
    input,
    cues: textCues(text),
    mentions,
    leadingAgent: lead ? lead.name : null,
    history,
    matches,
    resolvedMatches,
    gaps,
    segmentDepartments: seg.departments,
    departmentEvidence: seg.evidence,
    segments: seg.segments,
    knownTerms: terms.filter((t) => ctx.index.has(t)).length,
    tokens: text.split(/\s+/).filter(Boolean).length,
  };
}
