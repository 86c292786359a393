import { INTENTS, type Intent, type IntentExample } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { analyseMessage, type AnalysisContext, type MessageAnalysis } from './analysis.js';
import { extractFeatures, type FeatureGroup } from './features.js';
import { SoftmaxRegression, type TrainOptions } from './softmax.js';
import { Vectorizer } from './vectorizer.js';

/**
 * Softmax temperature applied at prediction time. Fitted by 5-fold cross-validation on the
 * training set (minimising log-loss of held-out folds; see docs/offline-intent-model.md), so that
 * a reported confidence of 0.8 is right about 80% of the time.
 */
export const CALIBRATION_TEMPERATURE = 0.9;

const TOPIC_EPOCHS = 8;
const TOPIC_L2 = 1e-3;

/** The features the department and agent models use: words, bigrams, cues and evidence (not the history's words). */
const TOPICAL: ReadonlySet<FeatureGroup> = new Set(['w', 'b', 'f', 'e']);

export interface Prediction<T extends string> {
  label: T;
  p: number;
}

export interface ModelPrediction {
  /** All six intents, most probable first. */
  intents: Prediction<Intent>[];
  /** Department labels seen in training (`engineering`, `cross`, `new:legal`…), most probable first. */
  departments: Prediction<string>[];
  /** Agents seen as labels in training, most probable first (blended with the capability index). */
  agents: Prediction<string>[];
}

export interface IntentModelOptions {
  train?: Partial<TrainOptions>;
  temperature?: number;
}

const ranked = <T extends string>(classes: readonly string[], p: number[]): Prediction<T>[] =>
  classes.map((label, i) => ({ label: label as T, p: p[i]! })).sort((a, b) => b.p - a.p);

/**
 * The trained part of the offline classifier: softmax models for the intent, the department and
 * the agent, over the same features. Trained from examples at construction (deterministic).
 */
export class IntentModel {
  private constructor(
    private readonly registry: AgentRegistry,
    private readonly vectorizer: Vectorizer,
    private readonly intentModel: SoftmaxRegression,
    private readonly departmentModel: SoftmaxRegression,
    private readonly agentModel: SoftmaxRegression,
    readonly temperature: number,
  ) {}

  static train(
    ctx: AnalysisContext,
    examples: readonly IntentExample[],
    options: IntentModelOptions = {},
  ): IntentModel {
    const analyses = examples.map((e) => analyseMessage(ctx, { text: e.text, history: e.history ?? [] }));
    const raw = analyses.map((a) => extractFeatures(a, ctx.registry));
    const vectorizer = new Vectorizer(raw);
    const rows = raw.map((r) => vectorizer.transform(r));
    const intentLabels = examples.map((e) => INTENTS.indexOf(e.intent));
    const intentModel = SoftmaxRegression.train(rows, intentLabels, INTENTS, vectorizer.dimension, options.train);
    // Department and agent are topics: words, cues and index evidence carry them; the history's
    // words would only add noise.
    const topicalRows = rows.map((r) => vectorizer.restrict(r, TOPICAL));
    const head = (label: (e: IntentExample) => string | undefined): SoftmaxRegression => {
      const picked = examples.flatMap((e, i) => {
        const l = label(e);
        return l === undefined ? [] : [[l, topicalRows[i]!] as const];
      });
      const classes = [...new Set(picked.map(([l]) => l))].sort();
      return SoftmaxRegression.train(
        picked.map(([, r]) => r),
        picked.map(([l]) => classes.indexOf(l)),
        classes,
        vectorizer.dimension,
        { ...options.train, balanced: false, epochs: TOPIC_EPOCHS, l2: TOPIC_L2 },
      );
    };
    const departmentModel = head((e) => e.department);
    // Only agents of this registry: a training line about an agent that is not loaded is skipped.
    const agentModel = head((e) => (e.agent && ctx.registry.get(e.agent) ? e.agent : undefined));
    return new IntentModel(
      ctx.registry,
      vectorizer,
      intentModel,
      departmentModel,
      agentModel,
      options.temperature ?? CALIBRATION_TEMPERATURE,
    );
  }

  get departments(): readonly string[] {
    return this.departmentModel.classes;
  }

  predict(analysis: MessageAnalysis): ModelPrediction {
    const raw = extractFeatures(analysis, this.registry);
    const x = this.vectorizer.transform(raw);
    const t = this.vectorizer.restrict(x, TOPICAL);
    return {
      intents: ranked<Intent>(INTENTS, this.intentModel.probabilities(x, this.temperature)),
      departments: ranked(this.departmentModel.classes, this.departmentModel.probabilities(t, this.temperature)),
      agents: ranked(this.agentModel.classes, this.agentModel.probabilities(t, this.temperature)),
    };
  }

  /** Intent logits without temperature, for calibration. */
  intentLogits(analysis: MessageAnalysis): number[] {
    return this.intentModel.logits(this.vectorizer.transform(extractFeatures(analysis, this.registry)));
  }

  /** The strongest features of an intent, as learnt. */
  explain(intent: Intent, n = 20): Array<[string, number]> {
    return this.intentModel.topWeights(intent, n, (c) => this.vectorizer.name(c));
  }
}
