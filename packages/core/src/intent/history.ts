import { contentTerms } from '../routing/text.js';
import type { MentionIndex } from '../org/mentions.js';
import type { HistoryTurn } from './types.js';

/** What the conversation so far tells us about the latest message. */
export interface HistoryView {
  hasHistory: boolean;
  lastUser: string;
  lastAssistant: string;
  /** The last assistant turn asked a question (the message is probably an answer to it). */
  assistantAsked: boolean;
  /** Choices the assistant offered ("the bill spike, or the TLS certificate alert"). */
  options: string[];
  /** The offered choice the latest message picks, if any. */
  chosenOption: string | null;
  /** The assistant said no agent covers the request (a gap was just surfaced). */
  noAgent: boolean;
  /** The assistant reported something going wrong in an agent's work. */
  agentProblem: boolean;
  /** The assistant reported a status (on track, finished, week 3 of 10…). */
  status: boolean;
  /** Agents named in the history, most recent turn first. */
  agents: string[];
}

const NO_AGENT =
  /\b(no (\w+ )?agents?\b|there('s| is) no\b|isn't (an? )?\w* ?agent|not covered|isn't covered|no one (does|handles|owns)|nobody (does|handles|owns)|capability gap|propose (building )?(one|a new)|would you like me to propose|isn't qualified|doesn't (create|cover|do))/;
const PROBLEM =
  /\b(but|however|missed|wrong|off by|only (covered|counted|included)|never|didn't|did not|complain\w*|misspell\w*|again|forgot|without|still|outdated|old|mistake|error|\d+k? off|drew|loaded zero|nothing flagged|too (long|short))\b/;
const STATUS =
  /\b(on track|in progress|in review|week \d+ of \d+|is running|it's running|finished|completed|done|% (done|complete)|behind schedule|ahead of schedule|went out|shared it)\b/;

/** Splits "do you mean A, B, or C?" into its options. */
export function offeredOptions(assistant: string): string[] {
  const question = assistant.split(/(?<=[.!])\s+/).find((s) => s.includes('?')) ?? '';
  if (!question) return [];
  // The options start after the last lead-in ("— do you mean", "which one:", "is it") before the first separator.
  const core = question.replace(/\?.*$/, '');
  const firstSeparator = core.search(/,|\s+or\s+/i);
  const head = firstSeparator < 0 ? core : core.slice(0, firstSeparator);
  let cut = 0;
  for (const m of head.matchAll(/(—|–|:|\bmean\b|\bwhich( one| ones)?\b|\bwhether\b|\bis it\b|\bwant\b|\blike\b)/gi))
    cut = m.index! + m[0].length;
  const body = core.slice(cut);
  const parts = body
    .split(/\s*,\s*or\s+|\s*,\s*|\s+or\s+/i)
    .map((p) => p.trim())
    .filter((p) => p.length > 1);
  return parts.length >= 2 ? parts : [];
}

/** Shared content terms, counting a stem that is a prefix of the other ("cert" ~ "certificat"). */
function overlap(a: string[], b: string[]): number {
  let n = 0;
  for (const x of new Set(a))
    if (b.some((y) => y === x || (x.length >= 4 && y.startsWith(x)) || (y.length >= 4 && x.startsWith(y)))) n++;
  return n;
}

export function pickOption(options: string[], text: string): string | null {
  const terms = contentTerms(text);
  let best: string | null = null;
  let bestScore = 0;
  for (const o of options) {
    const s = overlap(terms, contentTerms(o));
    if (s > bestScore) [best, bestScore] = [o, s];
  }
  return best;
}

export function viewHistory(mentions: MentionIndex, history: readonly HistoryTurn[], text: string): HistoryView {
  const lastAssistant = [...history].reverse().find((t) => t.role === 'assistant')?.content ?? '';
  const lastUser = [...history].reverse().find((t) => t.role === 'user')?.content ?? '';
  const a = lastAssistant.toLowerCase();
  const options = offeredOptions(lastAssistant);
  const agents: string[] = [];
  for (const turn of [...history].reverse()) {
    for (const m of mentions.find(turn.content))
      if (m.kind === 'agent' && !agents.includes(m.name)) agents.push(m.name);
  }
  const assistantAgents = mentions.find(lastAssistant).filter((m) => m.kind === 'agent');
  return {
    hasHistory: history.length > 0,
    lastUser,
    lastAssistant,
    assistantAsked: lastAssistant.includes('?'),
    options,
    chosenOption: options.length > 0 ? pickOption(options, text) : null,
    noAgent: NO_AGENT.test(a),
    agentProblem: assistantAgents.length > 0 && PROBLEM.test(a),
    status: STATUS.test(a),
    agents,
  };
}
