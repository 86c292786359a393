export { buildAgentCreationGraph, type AgentCreationGraph } from './graph.js';
export { AgentCreationEngine, type AgentCreationEngineDeps, type BuildRunResult } from './engine.js';
export {
  agentBuildThreadId,
  type AgentBuildPort,
  type AgentCreationDeps,
  type AgentCreationInterrupt,
  type AgentCreationResume,
  type ApprovalInput,
  type BuildContext,
  type BuildProgress,
} from './deps.js';
export type { AgentCreationStateType } from './state.js';
export { runBuildAgentStep, agentWithCapability, type BuildStepResult } from './step.js';
export type { StepAgentBuilds, StepBuildState } from './deps.js';
