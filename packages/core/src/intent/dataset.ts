import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IntentExampleSchema, type IntentExample } from '@orchestrator/contracts';

/** The training set the project ships (packages/core/data), found from src/ and dist/ alike. */
export const TRAINING_SET_PATH = fileURLToPath(new URL('../../data/intent-training.jsonl', import.meta.url));
/** A held-out set written separately from the training set, for tests and tuning. */
export const HOLDOUT_SET_PATH = fileURLToPath(new URL('../../data/intent-holdout.jsonl', import.meta.url));

export interface DatasetLine {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedDataset {
  examples: IntentExample[];
  /** Lines that are not valid JSON or do not match IntentExampleSchema. */
  errors: DatasetLine[];
}

/** Parses a JSONL file in the eval format; blank lines are skipped, bad lines reported by number. */
export function parseIntentJsonl(text: string): ParsedDataset {
  const examples: IntentExample[] = [];
  const errors: DatasetLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      errors.push({ line: i + 1, message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    const parsed = IntentExampleSchema.safeParse(json);
    if (parsed.success) examples.push(parsed.data);
    else
      errors.push({
        line: i + 1,
        message: parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; '),
      });
  });
  return { examples, errors };
}

/** Reads a dataset that must be valid (the shipped training and holdout sets). */
export function loadIntentDataset(path: string): IntentExample[] {
  const { examples, errors } = parseIntentJsonl(readFileSync(path, 'utf8'));
  if (errors.length > 0) throw new Error(`${path}: ${errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  return examples;
}
