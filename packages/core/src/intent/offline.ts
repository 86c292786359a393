import type { IntentExample, IntentResult } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { CapabilityIndex } from '../routing/capability-index.js';
import { analyseMessage, type AnalysisContext } from './analysis.js';
import { buildClarifyingQuestion } from './clarify.js';
import { loadIntentDataset, TRAINING_SET_PATH } from './dataset.js';
import { MentionIndex } from './mentions.js';
import { IntentModel, type IntentModelOptions } from './model.js';
import { fillSlots } from './slots.js';
import type { IntentClassifier, IntentInput } from './types.js';

/**
 * Below this calibrated probability for the best intent, the classifier asks instead of acting.
 * Chosen on the shipped holdout set (docs/offline-intent-model.md): lower lets more wrong guesses
 * through, higher turns correct answers into needless questions.
 */
export const CLARIFY_THRESHOLD = 0.4;

export interface OfflineClassifierOptions extends IntentModelOptions {
  /** Training examples; the shipped `data/intent-training.jsonl` by default. */
  examples?: readonly IntentExample[];
  clarifyThreshold?: number;
}

/** Trained models per registry: a hot reload builds a new registry and so retrains once. */
const shipped = new WeakMap<AgentRegistry, IntentModel>();

/** The offline classifier, with its trained model exposed for evaluation and docs. */
export interface OfflineIntentClassifier extends IntentClassifier {
  readonly model: IntentModel;
}

/**
 * The built-in intent classifier (SPEC §2 offline model): a softmax regression over word and
 * character n-grams plus engineered cues, trained at construction on the shipped training set,
 * followed by rule-based slot filling from the registry and the capability index.
 */
export function createOfflineIntentClassifier(registry: AgentRegistry, index?: CapabilityIndex, options: OfflineClassifierOptions = {}): OfflineIntentClassifier {
  const ctx: AnalysisContext = { registry, index: index ?? new CapabilityIndex(registry), mentions: new MentionIndex(registry) };
  const custom = options.examples !== undefined || options.train !== undefined || options.temperature !== undefined;
  let model = custom ? undefined : shipped.get(registry);
  if (!model) {
    model = IntentModel.train(ctx, options.examples ?? loadIntentDataset(TRAINING_SET_PATH), options);
    if (!custom) shipped.set(registry, model);
  }
  const threshold = options.clarifyThreshold ?? CLARIFY_THRESHOLD;
  const trained = model;

  const classifySync = (input: IntentInput): IntentResult => {
    const a = analyseMessage(ctx, { text: input.text, history: input.history ?? [] });
    const prediction = trained.predict(a);
    const top = prediction.intents[0]!;
    const unsure = top.label !== 'CLARIFY' && top.p < threshold;
    const intent = unsure ? 'CLARIFY' : top.label;
    const slots = fillSlots(a, intent, registry, prediction);
    return {
      intent,
      // When we ask because we are unsure, the confidence is that of asking being right.
      confidence: unsure ? 1 - top.p : top.p,
      ...slots,
      clarifyingQuestion: intent === 'CLARIFY' ? buildClarifyingQuestion(a, prediction.intents, registry) : null,
      source: 'offline',
    };
  };

  return {
    model: trained,
    classify: async (input) => classifySync(input),
  };
}
