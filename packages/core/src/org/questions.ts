import type { AgentRegistry } from '../registry/registry.js';
import { findMentions, type OrgEntity } from './mentions.js';

/** What an organisation question asks, understood without an LLM. */
export type OrgQuery =
  | { kind: 'greeting' }
  | { kind: 'help' }
  | { kind: 'overview' }
  | { kind: 'reports_to'; entity: OrgEntity }
  | { kind: 'manager_of'; entity: OrgEntity }
  | { kind: 'department_members'; department: string }
  | { kind: 'agent_info'; name: string }
  /** About someone or something, but the relation asked for is unclear. */
  | { kind: 'ambiguous'; entity: OrgEntity }
  | { kind: 'unknown' };

const test = (re: RegExp, text: string) => re.test(text);

const GREETING = /^\s*(hi|hello|hey|good (morning|afternoon|evening)|greetings)\b[\s!.,]*(there)?[\s!.]*$/i;
const HELP =
  /\b(what can you do|what do you do|how can you help|what are you able to|help me get started|what can i ask|^help\b|your capabilities)/i;
const OVERVIEW =
  /\b(org(ani[sz]ation(al)?)? chart|show (me )?the (org|organi[sz]ation|hierarchy|company)|(which|what) departments|list (all )?(the )?(agents|departments)|how is the (company|organi[sz]ation) (structured|organi[sz]ed)|who('s| is) (in|on) the (org|company)|whole (org|organi[sz]ation))\b/i;
const REPORTS_TO =
  /\b(who (reports|report) (to|into|up to)|who (works|work) (for|under)|(direct )?reports of|direct reports|who does .+ manage|who is managed by|who('s| is| are) under|team of|'?s team|reporting (to|into))\b/i;
const MANAGER_OF =
  /\b(who does .+ report (to|into)|whom does .+ report to|(manager|boss|supervisor|head) of|who manages|who('s| is) (the )?(manager|boss|supervisor)|'?s (manager|boss|supervisor)|reports? to whom|report into whom)\b/i;
const MEMBERS =
  /\b((which|what) agents|who('s| is| are)? (in|on)|members of|list .*(agents|team)|agents (in|of)|people in|(which|what) (specialists|roles))\b/i;
const INFO = /\b(what does .+ do|tell me about|who is|what is|describe|what('s| is) the role of|responsib)/i;

/** Words that point back to whoever the conversation was last about. */
const PRONOUN = /\b(it|they|them|he|she|him|her|that agent|this agent|that department|this department)\b/i;

/**
 * Classifies an organisation question and resolves who or what it is about. `focus` is the
 * entity the conversation was last about; a pronoun ("who reports to them?") resolves to it.
 */
export function parseOrgQuestion(registry: AgentRegistry, text: string, focus?: OrgEntity): OrgQuery {
  if (GREETING.test(text)) return { kind: 'greeting' };
  const mentions = findMentions(registry, text);
  const first = mentions[0] ?? (focus && PRONOUN.test(text) ? focus : undefined);
  if (!first) {
    if (HELP.test(text)) return { kind: 'help' };
    if (OVERVIEW.test(text)) return { kind: 'overview' };
    return { kind: 'unknown' };
  }
  // "Who does the CFO report to" must win over the "reports to" wording it contains.
  if (test(MANAGER_OF, text)) return { kind: 'manager_of', entity: first };
  if (test(REPORTS_TO, text)) return { kind: 'reports_to', entity: first };
  if (first.kind === 'department' && (test(MEMBERS, text) || /\b(agents|team|department|who)\b/i.test(text))) {
    return { kind: 'department_members', department: first.department };
  }
  if (first.kind === 'agent' && test(INFO, text)) return { kind: 'agent_info', name: first.name };
  if (HELP.test(text)) return { kind: 'help' };
  if (OVERVIEW.test(text)) return { kind: 'overview' };
  return { kind: 'ambiguous', entity: first };
}

const FOLLOW_UP = /^\s*(and|what about|how about|same for|and what about)\b/i;

/**
 * "And the CTO?" after "Who reports to the CFO?": a short message naming only someone new asks
 * the previous question again about them.
 */
export function resolveFollowUp(query: OrgQuery, text: string, previous: OrgQuery | undefined): OrgQuery {
  if (query.kind !== 'ambiguous' || !previous) return query;
  const short = text.trim().split(/\s+/).length <= 6;
  if (!short && !FOLLOW_UP.test(text)) return query;
  const entity = query.entity;
  switch (previous.kind) {
    case 'reports_to':
    case 'manager_of':
      return { kind: previous.kind, entity };
    case 'department_members':
      return entity.kind === 'department'
        ? { kind: 'department_members', department: entity.department }
        : { kind: 'reports_to', entity };
    case 'agent_info':
      return entity.kind === 'agent'
        ? { kind: 'agent_info', name: entity.name }
        : { kind: 'department_members', department: entity.department };
    default:
      return query;
  }
}

/** The entity a query is about, if any: becomes the conversation's focus. */
export function queryEntity(query: OrgQuery): OrgEntity | undefined {
  switch (query.kind) {
    case 'reports_to':
    case 'manager_of':
    case 'ambiguous':
      return query.entity;
    case 'department_members':
      return { kind: 'department', department: query.department };
    case 'agent_info':
      return { kind: 'agent', name: query.name };
    default:
      return undefined;
  }
}
