export { proposeImprovement } from './propose.js';
export { proposeOffline, feedbackToRules, evidenceRules, mergeGuidance, GUIDANCE_HEADING } from './offline.js';
export { proposeWithLlm, type LlmProposeResult } from './llm.js';
export { NO_EVIDENCE } from './types.js';
export type {
  AgentSnapshot,
  ErrorEvidence,
  ImprovementEvidence,
  ImprovementProposal,
  ImprovementTriggerType,
  ProposeInput,
  RatingEvidence,
  RejectionEvidence,
} from './types.js';
export type { ChatImprovementRequest, ChatImprovementResult, ChatImprovements } from './chat.js';
