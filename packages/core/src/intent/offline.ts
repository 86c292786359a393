import type { IntentExample, IntentResult } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import type { CapabilityIndex } from '../routing/capability-index.js';
import { analyseMessage, createAnalysisContext, type AnalysisContext } from './analysis.js';
import { buildClarifyingQuestion } from './clarify.js';
import { loadIntentDataset, TRAINING_SET_PATH } from './dataset.js';
import { IntentModel, type IntentModelOptions } from './model.js';
import { fillSlots } from './slots.js';
import type { IntentClassifier, IntentInput } from './types.js';

/**
 * Below this calibrated probability for the best intent, the classifier asks instead of acting.
 * Chosen from the cross-validated threshold table (`calibrate-intent`, docs/offline-intent-model.md):
 * up to 0.4 it costs no accuracy; higher turns correct answers into needless questions.
 */
export const CLARIFY_THRESHOLD = 0.4;

/** Longest message (and history turn) analysed, and how many earlier turns are looked at. */
const MAX_CHARS = 4000;
const MAX_TURNS = 6;

export interface OfflineClassifierOptions extends IntentModelOptions {
  /** Training examples; the shipped `data/intent-training.jsonl` by default. */
  examples?: readonly IntentExample[];
  clarifyThreshold?: number;
}

/** Trained models per registry: a hot reload builds a new registry and so retrains once. */
const shipped = new WeakMap<AgentRegistry, { ctx: AnalysisContext; model: IntentModel }>();

/** The offline classifier, with its trained model exposed for evaluation and docs. */
export interface OfflineIntentClassifier extends IntentClassifier {
  readonly model: IntentModel;
}

/**
 * The built-in intent classifier (docs/offline-intent-model.md#2-intent-classifier-intent): softmax
 * regressions over word n-grams, engineered cues and capability-index evidence, trained at
 * construction on the shipped training set, followed by slot filling from the registry, the
 * capability index and the history.
 */
export function createOfflineIntentClassifier(
  registry: AgentRegistry,
  index?: CapabilityIndex,
  options: OfflineClassifierOptions = {},
): OfflineIntentClassifier {
  const custom = options.examples !== undefined || options.train !== undefined || options.temperature !== undefined;
  let trainedOnce = custom ? undefined : shipped.get(registry);
  if (!trainedOnce) {
    const examples = options.examples ?? loadIntentDataset(TRAINING_SET_PATH);
    const context = createAnalysisContext(registry, index, examples);
    trainedOnce = { ctx: context, model: IntentModel.train(context, examples, options) };
    if (!custom) shipped.set(registry, trainedOnce);
  }
  const { ctx, model } = trainedOnce;
  const threshold = options.clarifyThreshold ?? CLARIFY_THRESHOLD;

  const classifySync = (input: IntentInput): IntentResult => {
    // Intent is decided by how a message starts and what it asks; bounding the length bounds latency.
    const history = (input.history ?? [])
      .slice(-MAX_TURNS)
      .map((t) => ({ role: t.role, content: t.content.slice(0, MAX_CHARS) }));
    const a = analyseMessage(ctx, { text: input.text.slice(0, MAX_CHARS), history });
    const prediction = model.predict(a);
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
    model,
    classify: async (input) => classifySync(input),
  };
}
