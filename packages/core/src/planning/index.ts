export { createPlan, instantiateTemplate, type CreatePlanInput } from './create.js';
export { validatePlan, findCycle, topoOrder } from './dag.js';
export { computeCriticalPath, type CriticalPath } from './critical-path.js';
export { refinePlan, type RefineContext, type RefineResult } from './refine/refine.js';
export { diffPlans } from './diff.js';
export { PROJECT_TEMPLATES, selectTemplate, scoreTemplate } from './templates/index.js';
export { PlanError, isPlanError } from './errors.js';
export {
  formatDuration,
  fromMinutes,
  toMinutes,
  parseDuration,
  MINUTES_PER_DAY,
  MINUTES_PER_HOUR,
  MINUTES_PER_WEEK,
} from './duration.js';
export { parseDeadline, findMarket, type Deadline, type Market } from './request.js';
export { createTestMatcher } from './test-matcher.js';
export {
  MIN_MATCH_SCORE,
  type AgentMatch,
  type AgentMatcher,
  type AgentNeed,
  type PlanIssue,
  type PlanIssueCode,
  type ProjectTemplate,
  type TemplateStep,
  type LocalizationHook,
} from './types.js';
