import type { InputField } from '../../functions/fields.js';
import type { LlmProvider } from '../../llm/provider.js';
import { usageOf, type UsageContext, type UsageSink } from '../../llm/usage.js';
import { profileField } from './fields.js';
import { readFollowUpLlm } from './llm.js';
import { readFollowUpOffline } from './offline.js';
import type { FollowUpQuestion, FollowUpReading } from './types.js';

export { isEmptyReading, type FollowUpQuestion, type FollowUpReading } from './types.js';
export { readFollowUpOffline } from './offline.js';

/**
 * What a follow-up to a function agent changes in its last input: read by the configured language
 * model, or — offline, or when the model fails — by the deterministic offline reader.
 */
export async function readFollowUp(
  deps: { llm: LlmProvider; usage: UsageSink },
  q: FollowUpQuestion,
  context: { usage: UsageContext; signal?: AbortSignal },
): Promise<FollowUpReading> {
  const model = deps.llm.chatModel;
  if (model) {
    const started = Date.now();
    try {
      const { reading, usage } = await readFollowUpLlm(model, q, context.signal);
      for (const u of usage)
        await deps.usage.record(
          context.usage,
          usageOf(deps.llm.info, { usage_metadata: u }, started, 'ceo_orchestrator'),
        );
      return reading;
    } catch (err) {
      // A cancelled reply stops here; any other failure of the model is read offline instead.
      if (context.signal?.aborted) throw err;
    }
  }
  return readFollowUpOffline(q);
}

/** Fields naming the same quantity in another unit (monthlySavings and annualSavings). */
const sameQuantity = (a: InputField, b: InputField): boolean => {
  const key = (f: InputField) => [...profileField(f).subject].sort().join(' ');
  return a.name !== b.name && key(a) !== '' && key(a) === key(b);
};

/**
 * The last input with the follow-up's values. A quantity given in another unit replaces the old
 * one ("annual savings of 24k" drops the monthly savings), so the schema never sees both.
 */
export function mergeFollowUp(
  fields: InputField[],
  previous: Record<string, unknown>,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...previous, ...values };
  for (const changed of fields.filter((f) => f.name in values))
    for (const other of fields) if (!(other.name in values) && sameQuantity(changed, other)) delete merged[other.name];
  return merged;
}

/** "What should the monthly running cost be?" — only the fields that were not understood. */
export function followUpQuestion(fields: InputField[], unclear: string[]): string {
  const labels = fields.filter((f) => unclear.includes(f.name)).map((f) => `the ${profileField(f).label}`);
  const list = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)!}` : (labels[0] ?? 'it');
  return `What should ${list} be? Everything else stays as in the last calculation.`;
}
