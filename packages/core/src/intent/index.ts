export type { IntentClassifier, IntentInput, HistoryTurn, IntentResult } from './types.js';
export {
  createOfflineIntentClassifier,
  CLARIFY_THRESHOLD,
  type OfflineClassifierOptions,
  type OfflineIntentClassifier,
} from './offline.js';
export { IntentModel, CALIBRATION_TEMPERATURE, type ModelPrediction, type Prediction } from './model.js';
export {
  parseIntentJsonl,
  loadIntentDataset,
  TRAINING_SET_PATH,
  HOLDOUT_SET_PATH,
  type ParsedDataset,
  type DatasetLine,
} from './dataset.js';
export { computeMetrics, percentile, type EvalMetrics, type ClassMetrics } from './metrics.js';
export {
  createLlmIntentClassifier,
  classifyLlmError,
  type LlmClassifierOptions,
  type IntentLlmError,
  type IntentLlmErrorCode,
} from './llm.js';
export { LlmIntentOutputSchema } from './llm-prompt.js';
