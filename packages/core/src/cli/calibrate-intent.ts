import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseMessage, createAnalysisContext } from '../intent/analysis.js';
import { calibrationError, crossValidate, fitTemperature, thresholdTable } from '../intent/calibrate.js';
import { HOLDOUT_SET_PATH, loadIntentDataset, TRAINING_SET_PATH } from '../intent/dataset.js';
import { IntentModel } from '../intent/model.js';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';

/**
 * `node dist/cli/calibrate-intent.js`: 5-fold cross-validation of the offline intent model on the
 * shipped training set. Prints the cross-validated accuracy, the fitted softmax temperature (copy
 * it into CALIBRATION_TEMPERATURE), calibration error, a CLARIFY-threshold table, and the
 * holdout accuracy of a model trained on everything. Run it after editing the training data.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

async function main(): Promise<void> {
  const registry = AgentRegistry.from(await loadAgentRegistry(path.join(ROOT, 'agents')));
  const examples = loadIntentDataset(TRAINING_SET_PATH);
  const ctx = createAnalysisContext(registry, undefined, examples);
  const oof = crossValidate(ctx, examples, 5, { temperature: 1 });
  const cvAccuracy =
    oof.logits.filter((l, i) => l.indexOf(Math.max(...l)) === oof.labels[i]).length / oof.logits.length;
  const t = fitTemperature(oof);
  console.log(`training examples      ${examples.length}`);
  console.log(`5-fold CV accuracy     ${(100 * cvAccuracy).toFixed(1)}%`);
  console.log(
    `fitted temperature     ${t.toFixed(3)}  (ECE ${calibrationError(oof, 1).toFixed(3)} at T=1 → ${calibrationError(oof, t).toFixed(3)})`,
  );
  console.log('CLARIFY threshold      accuracy  asked');
  for (const row of thresholdTable(oof, t, [0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6])) {
    console.log(
      `  ${row.threshold.toFixed(2).padEnd(20)} ${(100 * row.accuracy).toFixed(1).padStart(6)}%  ${(100 * row.asked).toFixed(1).padStart(5)}%`,
    );
  }
  const holdout = loadIntentDataset(HOLDOUT_SET_PATH);
  const model = IntentModel.train(ctx, examples, { temperature: t });
  const ok = holdout.filter(
    (e) =>
      model.predict(analyseMessage(ctx, { text: e.text, history: e.history ?? [] })).intents[0]!.label === e.intent,
  ).length;
  console.log(
    `holdout accuracy       ${((100 * ok) / holdout.length).toFixed(1)}% (${holdout.length} messages, no threshold)`,
  );
  console.log(JSON.stringify({ cv_accuracy: Number(cvAccuracy.toFixed(4)), temperature: Number(t.toFixed(3)) }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
