import { INTENTS, type Intent, type IntentExample, type IntentResult } from '@orchestrator/contracts';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Lines labelled with this intent. */
  support: number;
}

export interface EvalMetrics {
  n: number;
  accuracy: number;
  perIntent: Record<Intent, ClassMetrics>;
  /** Over lines with a department label; null when there are none. */
  departmentAccuracy: number | null;
  departmentN: number;
  /** Over lines with an agent label; null when there are none. */
  agentAccuracy: number | null;
  agentN: number;
  /** confusion[expected][predicted] = count */
  confusion: Record<Intent, Record<Intent, number>>;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Scores predictions against labelled examples (same order). */
export function computeMetrics(examples: readonly IntentExample[], predictions: readonly IntentResult[]): EvalMetrics {
  if (examples.length !== predictions.length)
    throw new Error('computeMetrics: examples and predictions differ in length');
  const confusion = Object.fromEntries(
    INTENTS.map((e) => [e, Object.fromEntries(INTENTS.map((p) => [p, 0]))]),
  ) as Record<Intent, Record<Intent, number>>;
  let correct = 0;
  let deptN = 0;
  let deptOk = 0;
  let agentN = 0;
  let agentOk = 0;
  examples.forEach((e, i) => {
    const p = predictions[i]!;
    confusion[e.intent][p.intent]++;
    if (e.intent === p.intent) correct++;
    if (e.department !== undefined) {
      deptN++;
      if (p.department === e.department) deptOk++;
    }
    if (e.agent !== undefined) {
      agentN++;
      if (p.agent === e.agent) agentOk++;
    }
  });
  const perIntent = Object.fromEntries(
    INTENTS.map((c) => {
      const tp = confusion[c][c];
      const predicted = INTENTS.reduce((s, e) => s + confusion[e][c], 0);
      const support = INTENTS.reduce((s, p) => s + confusion[c][p], 0);
      const precision = ratio(tp, predicted);
      const recall = ratio(tp, support);
      return [c, { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support }];
    }),
  ) as Record<Intent, ClassMetrics>;
  return {
    n: examples.length,
    accuracy: ratio(correct, examples.length),
    perIntent,
    departmentAccuracy: deptN ? deptOk / deptN : null,
    departmentN: deptN,
    agentAccuracy: agentN ? agentOk / agentN : null,
    agentN,
    confusion,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
