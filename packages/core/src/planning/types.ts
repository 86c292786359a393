import type { CollaborationType, Duration, PlanStep, StepType } from '@orchestrator/contracts';
import type { RiskLevel } from './risk.js';

/** What a step needs from the workforce; the matcher answers with the best agent for it. */
export interface AgentNeed {
  capability: string;
  text: string;
  department?: string | null;
  /**
   * Agents to leave out — used to ask for an alternative to an unavailable agent. Optional for
   * matchers: one that ignores it simply returns the same agent, which the planner discards.
   */
  exclude?: readonly string[];
}

/** Best agent for a need, or null. `score` is read on a 0..1 scale (see `MIN_MATCH_SCORE`). */
export interface AgentMatch {
  agent: string;
  score: number;
  available: boolean;
}

/** Injected: the lead wires capability matching (BM25) and live availability behind it. */
export type AgentMatcher = (need: AgentNeed) => AgentMatch | null;

/**
 * Below this score a match is too weak to trust and the capability counts as missing. The
 * matcher owns that decision (it returns null for a gap); this only guards against near-zero scores.
 */
export const MIN_MATCH_SCORE = 0.15;

export type PlanIssueCode =
  | 'plan/schema'
  | 'plan/cycle'
  | 'plan/dangling_dependency'
  | 'plan/duplicate_step'
  | 'plan/unknown_agent'
  | 'plan/capability_mismatch'
  | 'plan/subproject_without_steps'
  | 'plan/unexpected_substeps';

export interface PlanIssue {
  code: PlanIssueCode;
  message: string;
  /** Offending step ids; nested steps are written `subprojectId/stepId`. */
  stepIds: string[];
}

/** One step of a template before it meets the workforce. */
export interface TemplateStep {
  id: string;
  name: string;
  description: string;
  type: Extract<StepType, 'standard' | 'human_approval'>;
  /** Owning department; null for company-wide steps (they stay at the top level). */
  department: string | null;
  /** Capability id an agent needs (ids from agents/*.yaml); null for purely human steps. */
  capability: string | null;
  dependsOn: string[];
  riskLevel: RiskLevel;
  duration: Duration;
  /** A person takes part (to be named while refining): how they collaborate. */
  collaboration?: CollaborationType | null;
  /**
   * Assigned directly instead of matched — department leads for reviews and coordination
   * (matchers route work to specialists, never to orchestrators).
   */
  agent?: string;
}

/** Where a regional launch needs translated or localised work (see request.ts). */
export interface LocalizationHook {
  id: string;
  /** `{market}` and `{language}` are filled in from the request (also in template steps). */
  name: string;
  description: string;
  department: string | null;
  after: string[];
  before: string[];
  duration: Duration;
  riskLevel: RiskLevel;
}

export interface ProjectTemplate {
  id: string;
  name: string;
  description: string;
  /** Title of the plan; `{subject}` is filled in from the request when one is found. */
  /** Plan title for a request, e.g. "Hiring: senior backend engineer". */
  title: (request: string) => string;
  leadDepartment: string;
  /** Words and phrases that select it (stems are compared, see text.ts). */
  keywords: string[];
  /** Phrases that select it outright. */
  patterns: RegExp[];
  steps: TemplateStep[];
  localization?: LocalizationHook[];
}

/** A step before grouping: flat ids, the department decides its subproject. */
export type DraftStep = Omit<PlanStep, 'steps'>;
