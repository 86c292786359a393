export type { AgentSpec, DraftResult } from './types.js';
export {
  AGENT_TEMPLATES,
  CONTEXT_SECTIONS,
  DEPARTMENT_PROFILES,
  chooseTemplate,
  departmentProfile,
  departmentProfileFor,
  templateById,
  type DepartmentProfile,
} from './templates.js';
export { specifyAgent, chooseManager, uniqueName, describeTask, type SpecInput } from './identity.js';
export { draftFromTemplate, definitionOf } from './offline-drafter.js';
export { draftAgent, checkLlmDraft, type DraftDeps } from './draft.js';
export { buildProgressMessage, type BuildMessage, type BuildMessageInput } from './messages.js';
export { OFFLINE_SAMPLES_NOTE, validateDraft, checkDraftFiles, sampleTasks, type ValidateDeps } from './validate.js';
