import type { SparseVector } from './vectorizer.js';

export interface TrainOptions {
  epochs: number;
  /** AdaGrad base learning rate. */
  learningRate: number;
  /** L2 penalty, applied to the weights a sample touches. */
  l2: number;
  /** Seed of the example order: training is deterministic. */
  seed: number;
  /** Weight classes inversely to their frequency so a common intent is not favoured. */
  balanced: boolean;
  /**
   * Return the average of the weights at the end of each epoch of the second half of training
   * (Polyak averaging): less sensitive to the order of the last examples than the final weights.
   */
  average: boolean;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 15,
  learningRate: 0.4,
  l2: 1e-4,
  seed: 7,
  balanced: true,
  average: true,
};

/** mulberry32: a tiny seeded PRNG, so every build trains the same model. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function softmax(logits: number[], temperature = 1): number[] {
  const scaled = logits.map((l) => l / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * Multinomial logistic regression over sparse rows, trained with AdaGrad SGD on the
 * cross-entropy loss. Weights are stored class-major: `w[c * dim + j]`.
 */
export class SoftmaxRegression {
  private constructor(
    readonly classes: readonly string[],
    private readonly dim: number,
    private readonly w: Float64Array,
    private readonly bias: Float64Array,
  ) {}

  static train(
    rows: readonly SparseVector[],
    labels: readonly number[],
    classes: readonly string[],
    dim: number,
    options: Partial<TrainOptions> = {},
  ): SoftmaxRegression {
    const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
    const k = classes.length;
    const w = new Float64Array(k * dim);
    const bias = new Float64Array(k);
    const gw = new Float64Array(k * dim).fill(1e-8);
    const gb = new Float64Array(k).fill(1e-8);
    const counts = new Array<number>(k).fill(0);
    for (const y of labels) counts[y]!++;
    const classWeight = counts.map((c) => (o.balanced && c > 0 ? rows.length / (k * c) : 1));
    const model = new SoftmaxRegression(classes, dim, w, bias);
    const order = rows.map((_, i) => i);
    const rand = prng(o.seed);
    const p = new Float64Array(k);
    const avgW = new Float64Array(o.average ? k * dim : 0);
    const avgB = new Float64Array(k);
    let averaged = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const idx of order) {
        const x = rows[idx]!;
        const y = labels[idx]!;
        model.probabilitiesInto(x, p);
        for (let c = 0; c < k; c++) {
          const err = (p[c]! - (c === y ? 1 : 0)) * classWeight[y]!;
          // Once a sample is fitted its gradients vanish: skipping them makes later epochs cheap.
          if (Math.abs(err) < 1e-3) continue;
          gb[c]! += err * err;
          bias[c]! -= (o.learningRate * err) / Math.sqrt(gb[c]!);
          const base = c * dim;
          for (let t = 0; t < x.indices.length; t++) {
            const j = base + x.indices[t]!;
            const g = err * x.values[t]! + o.l2 * w[j]!;
            gw[j]! += g * g;
            w[j]! -= (o.learningRate * g) / Math.sqrt(gw[j]!);
          }
        }
      }
      if (o.average && epoch >= Math.floor(o.epochs / 2)) {
        for (let j = 0; j < w.length; j++) avgW[j]! += w[j]!;
        for (let c = 0; c < k; c++) avgB[c]! += bias[c]!;
        averaged++;
      }
    }
    if (o.average && averaged > 0) {
      for (let j = 0; j < w.length; j++) w[j] = avgW[j]! / averaged;
      for (let c = 0; c < k; c++) bias[c] = avgB[c]! / averaged;
    }
    return model;
  }

  /** Softmax probabilities written into `out` (no allocation: used in the training loop). */
  private probabilitiesInto(x: SparseVector, out: Float64Array): void {
    const k = this.classes.length;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const base = c * this.dim;
      let s = this.bias[c]!;
      for (let t = 0; t < x.indices.length; t++) s += this.w[base + x.indices[t]!]! * x.values[t]!;
      out[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      out[c] = Math.exp(out[c]! - max);
      sum += out[c]!;
    }
    for (let c = 0; c < k; c++) out[c]! /= sum;
  }

  logits(x: SparseVector): number[] {
    const out = Array.from(this.bias);
    for (let c = 0; c < this.classes.length; c++) {
      const base = c * this.dim;
      let s = out[c]!;
      for (let t = 0; t < x.indices.length; t++) s += this.w[base + x.indices[t]!]! * x.values[t]!;
      out[c] = s;
    }
    return out;
  }

  probabilities(x: SparseVector, temperature = 1): number[] {
    return softmax(this.logits(x), temperature);
  }

  /** The largest weights of a class: what the model learnt (for docs and debugging). */
  topWeights(cls: string, n: number, names: (col: number) => string): Array<[string, number]> {
    const c = this.classes.indexOf(cls);
    const ws = Array.from(
      this.w.subarray(c * this.dim, (c + 1) * this.dim),
      (v, j) => [names(j), v] as [string, number],
    );
    return ws.sort((a, b) => b[1] - a[1]).slice(0, n);
  }
}
