export {
  loadAgentRegistry,
  loadAgentFolder,
  agentContentHash,
  checkOrganisation,
  CONTEXT_MD_MAX_BYTES,
  type LoadedAgent,
  type InvalidAgent,
  type RegistryLoadResult,
} from './registry/load.js';
export {
  parseAgentYaml,
  serializeAgentYaml,
  AGENT_YAML_MAX_BYTES,
  YAML_MAX_ALIAS_COUNT,
  type YamlParseResult,
} from './registry/yaml.js';
export { checkAgentChange, type AgentFilesCandidate, type AgentChangeCheck } from './registry/validate.js';
export {
  checkContextMd,
  controlCharacterError,
  decodeUtf8Strict,
  ContentEncodingError,
  type ContentCheck,
} from './registry/context-safety.js';
export { unifiedDiff, agentDiff, type AgentContent } from './workforce/diff.js';
export { AgentRegistry } from './registry/registry.js';
export { findMentions, type OrgEntity } from './org/mentions.js';
export { parseOrgQuestion, resolveFollowUp, type OrgQuery } from './org/questions.js';
export { answerOrgQuery, clarifyingQuestion } from './org/answers.js';
export {
  createLlmProvider,
  OFFLINE_PROVIDER,
  type LlmProvider,
  type LlmInfo,
  type LlmSettings,
  type LlmProviderName,
} from './llm/provider.js';
export { ScriptedChatModel, type ScriptedTurn } from './llm/scripted.js';
export type { LlmUsage, UsageContext, UsageSink } from './llm/usage.js';
export { buildConversationGraph, type ConversationGraph } from './graphs/conversation/graph.js';
export type { ConversationGraphDeps, ConversationRunContext } from './graphs/conversation/deps.js';
export {
  OrchestratorFacade,
  conversationThreadId,
  MAX_RECOVERIES,
  type OrchestratorDeps,
  type UserMessageInput,
  type UserMessageResult,
} from './orchestrator/facade.js';
export type { MessageStore, NewMessage, OrchestratorEvents, PendingReply } from './orchestrator/ports.js';
export { classifyReplyError, type ReplyError } from './orchestrator/errors.js';
export { KeyedLock } from './orchestrator/keyed-lock.js';
export {
  loadFunctionAgent,
  runFunctionAgent,
  FunctionAgentError,
  isFunctionAgentError,
  functionAgentOrigin,
  defaultFunctionCacheDir,
  FUNCTION_AGENT_FILE,
  DEFAULT_FUNCTION_TIMEOUT_MS,
} from './functions/index.js';
export type {
  FunctionAgentModule,
  FunctionAgentContext,
  FunctionResult,
  FunctionRunOutcome,
  ParseTaskOutcome,
  NeedsInput,
  PriorResult,
  InjectedZod,
  FunctionAgentErrorCode,
  FunctionAgentOrigin,
  LoadFunctionAgentOptions,
  RunFunctionAgentOptions,
} from './functions/index.js';
export {
  createPlan,
  validatePlan,
  computeCriticalPath,
  refinePlan,
  diffPlans,
  PROJECT_TEMPLATES,
  selectTemplate,
  PlanError,
  isPlanError,
  createTestMatcher,
  formatDuration,
  toMinutes,
  fromMinutes,
  MIN_MATCH_SCORE,
} from './planning/index.js';
export type {
  AgentMatcher,
  AgentMatch,
  AgentNeed,
  PlanIssue,
  PlanIssueCode,
  ProjectTemplate,
  TemplateStep,
  CreatePlanInput,
  RefineContext,
  RefineResult,
  CriticalPath,
} from './planning/index.js';
export { CapabilityIndex, type CapabilityMatch, type RankOptions } from './routing/capability-index.js';
export {
  createOfflineIntentClassifier,
  createLlmIntentClassifier,
  type IntentClassifier,
  type IntentInput,
} from './intent/index.js';
export { routeTask, type RouteDecision, type RouteInput } from './delegation/router.js';
export { createAgentMatcher, GAP_THRESHOLD } from './delegation/matcher.js';
export type { AgentLoadInfo, AgentLoadTracker, DelegationRecord, DelegationStore } from './delegation/ports.js';
export type { ProjectStore, NewProjectPlan, PlanRevision, CurrentPlan } from './projects/ports.js';
export { canTransition, allowedTransitions, isTerminal } from './projects/lifecycle.js';
export { projectReportText, stepResultPath, elapsedText, type ProjectReportInput } from './projects/report.js';
export {
  CheckpointNotFound,
  ExecutionEngine,
  type RestoredCheckpoint,
  type ExecutionControl,
  type ExecutionEngineDeps,
  type AnswersFor,
  type PendingInterrupt,
  type RunResult,
} from './graphs/execution/engine.js';
export { StartsFirst, START_PRIORITY_MAX_WAIT_MS } from './graphs/execution/starts-first.js';
export { flattenPlan, readySteps, type ExecStep, type StepState } from './execution/flatten.js';
export {
  checkpointEvents,
  nextStepKeys,
  type CheckpointView,
  type CheckpointLabels,
} from './graphs/execution/checkpoint-events.js';
export { needsApproval } from './execution/policy.js';
export {
  joinResult,
  resultChunks,
  resultLength,
  resultPreview,
  textSlices,
  type ResultChunksOptions,
  type ResultText,
} from './functions/result-text.js';
export { classifyExecutionError, backoffMs, StepError, type ClassifiedError } from './execution/errors.js';
export {
  budgetLevel,
  checkBeforeAgent,
  describeBudget,
  evaluateBudgets,
  periodStart,
  runLimitStop,
  type AgentRunBlock,
  type AgentRunCheck,
  type BudgetCheck,
  type BudgetLevel,
} from './execution/budgets.js';
export {
  afterFailure,
  afterSuccess,
  circuitBlocks,
  circuitStateAt,
  closedCircuit,
  countsAgainstCircuit,
  DEFAULT_CIRCUIT_POLICY,
  recordAgentOutcome,
} from './execution/circuit-breaker.js';
export type {
  BudgetUsage,
  CircuitPolicy,
  CircuitRecord,
  ExecutionGuard,
  ExecutionGuardStore,
  GuardTarget,
  RunLimits,
} from './execution/ports.js';
export type {
  ExecutionStore,
  ApprovalRequester,
  ApprovalRequest,
  ExecutionInterrupt,
  ExecutionResume,
  LoadedRun,
  RunContext,
  StepOutcome,
  StepResultInput,
} from './execution/ports.js';
export { projectThreadId, type ExecutionGraphDeps } from './graphs/execution/deps.js';
export * from './workforce/building/index.js';
export * from './graphs/agent-creation/index.js';
export {
  proposeImprovement,
  proposeOffline,
  feedbackToRules,
  mergeGuidance,
  GUIDANCE_HEADING,
  NO_EVIDENCE,
} from './workforce/improvement/index.js';
export type {
  AgentSnapshot,
  ChatImprovementRequest,
  ChatImprovementResult,
  ChatImprovements,
  ErrorEvidence,
  ImprovementEvidence,
  ImprovementProposal,
  ImprovementTriggerType,
  RatingEvidence,
  RejectionEvidence,
} from './workforce/improvement/index.js';
export * from './graphs/agent-improvement/index.js';
export { fitMessage } from './messages/limits.js';
export { redactSecrets, redactedMessage, registerSecrets } from './security/redact.js';
