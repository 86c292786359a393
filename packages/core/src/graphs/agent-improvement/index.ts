export { buildAgentImprovementGraph, type AgentImprovementGraph } from './graph.js';
export { AgentImprovementRunner, type ImprovementRunResult } from './runner.js';
export { improvementThreadId } from './deps.js';
export type {
  AgentImprovementGraphDeps,
  ApplyChange,
  ApplyOutcome,
  ImprovementAgents,
  ImprovementBackup,
  ImprovementEnd,
  ImprovementRunContext,
  ImprovementStore,
} from './deps.js';
export type { ImprovementDecision, ImprovementInterrupt, ImprovementRequest } from './state.js';
