import { INTENTS, type IntentExample } from '@orchestrator/contracts';
import { analyseMessage, type AnalysisContext } from './analysis.js';
import { IntentModel, type IntentModelOptions } from './model.js';
import { softmax } from './softmax.js';

export interface OutOfFold {
  /** Intent logits of each example, from a model that did not see it. */
  logits: number[][];
  labels: number[];
}

/** k-fold cross-validation on the training set (fold = index mod k, so it is deterministic). */
export function crossValidate(
  ctx: AnalysisContext,
  examples: readonly IntentExample[],
  k = 5,
  options: IntentModelOptions = {},
): OutOfFold {
  const logits: number[][] = new Array(examples.length);
  for (let f = 0; f < k; f++) {
    const model = IntentModel.train(
      ctx,
      examples.filter((_, i) => i % k !== f),
      options,
    );
    examples.forEach((e, i) => {
      if (i % k === f) logits[i] = model.intentLogits(analyseMessage(ctx, { text: e.text, history: e.history ?? [] }));
    });
  }
  return { logits, labels: examples.map((e) => INTENTS.indexOf(e.intent)) };
}

const nll = (oof: OutOfFold, t: number): number =>
  oof.logits.reduce((s, l, i) => s - Math.log(Math.max(1e-12, softmax(l, t)[oof.labels[i]!]!)), 0) / oof.logits.length;

/** The softmax temperature that minimises held-out log-loss (golden-section search on [0.25, 8]). */
export function fitTemperature(oof: OutOfFold): number {
  let [lo, hi] = [0.25, 8];
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (nll(oof, a) < nll(oof, b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

export interface ThresholdRow {
  threshold: number;
  /** Intent accuracy when predictions below the threshold become CLARIFY. */
  accuracy: number;
  /** Share of messages turned into CLARIFY by the threshold. */
  asked: number;
}

/** What each CLARIFY threshold would do to held-out accuracy at a given temperature. */
export function thresholdTable(oof: OutOfFold, temperature: number, thresholds: number[]): ThresholdRow[] {
  const clarify = INTENTS.indexOf('CLARIFY');
  return thresholds.map((threshold) => {
    let ok = 0;
    let asked = 0;
    oof.logits.forEach((l, i) => {
      const p = softmax(l, temperature);
      let best = p.indexOf(Math.max(...p));
      if (best !== clarify && p[best]! < threshold) [best, asked] = [clarify, asked + 1];
      if (best === oof.labels[i]) ok++;
    });
    return { threshold, accuracy: ok / oof.logits.length, asked: asked / oof.logits.length };
  });
}

/** Expected calibration error: mean gap between confidence and accuracy over 10 confidence bins. */
export function calibrationError(oof: OutOfFold, temperature: number): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }));
  oof.logits.forEach((l, i) => {
    const p = softmax(l, temperature);
    const conf = Math.max(...p);
    const bin = bins[Math.min(9, Math.floor(conf * 10))]!;
    bin.n++;
    bin.conf += conf;
    if (p.indexOf(conf) === oof.labels[i]) bin.ok++;
  });
  return bins.reduce((s, b) => s + (b.n ? (b.n / oof.logits.length) * Math.abs(b.conf / b.n - b.ok / b.n) : 0), 0);
}
