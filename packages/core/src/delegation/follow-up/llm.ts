import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import { z } from 'zod';
import type { InputField } from '../../functions/fields.js';
import { jsonAsker } from '../../llm/messages.js';
import type { FollowUpQuestion, FollowUpReading } from './types.js';

const FollowUpOutputSchema = z.object({
  changes: z
    .array(z.object({ field: z.string(), value: z.union([z.number(), z.string(), z.boolean()]) }))
    .describe('The fields the message changes, each with its new value in the unit the field is in'),
  unclear: z.array(z.string()).describe('Fields the message wants changed whose new value cannot be determined'),
});

class BadFollowUpOutput extends Error {
  override name = 'BadFollowUpOutput';
}

const describeField = (f: InputField) =>
  `- ${f.name} (${f.type === 'enum' ? `one of ${f.values!.join(', ')}` : f.type}, ${f.required ? 'required' : 'optional'})${f.description ? `: ${f.description}` : ''}`;

function systemPrompt(q: FollowUpQuestion): string {
  return [
    'A calculation ran with the input below; the person sent a follow-up. Work out which input fields the follow-up changes.',
    `Input fields:\n${q.fields.map(describeField).join('\n')}`,
    `Input of the last run (JSON): ${JSON.stringify(q.previous)}`,
    ...(q.expected?.length
      ? [`The calculation just asked for: ${q.expected.join(', ')}. A value without a name answers that.`]
      : []),
    [
      'Rules:',
      '- Give each new value in the unit of its field: 6000 per year for a monthly field is 500; 3 years for a field in months is 36.',
      '- A relative change ("10% more", "500 less") is applied to the value of the last run.',
      '- A field the follow-up wants changed without a value you can determine goes in "unclear"; never guess it.',
      '- Fields the follow-up does not mention are left out. A message that changes nothing gives two empty lists.',
    ].join('\n'),
    'Reply with one JSON object: {"changes": [{"field": <name>, "value": <new value>}], "unclear": [<names>]}. No prose, no code fences.',
  ].join('\n\n');
}

/** Checks each change against its field; a wrong name or type is a malformed answer (repaired once). */
function validate(value: unknown, fields: InputField[]): FollowUpReading {
  const parsed = FollowUpOutputSchema.safeParse(value);
  if (!parsed.success)
    throw new BadFollowUpOutput(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const byName = new Map(fields.map((f) => [f.name, f]));
  const values: Record<string, unknown> = {};
  for (const { field, value: v } of parsed.data.changes) {
    const f = byName.get(field);
    if (!f) throw new BadFollowUpOutput(`changes: "${field}" is not an input field`);
    const fits =
      f.type === 'number' || f.type === 'integer'
        ? typeof v === 'number' && Number.isFinite(v)
        : f.type === 'enum'
          ? typeof v === 'string' && f.values!.includes(v)
          : typeof v === f.type;
    if (!fits)
      throw new BadFollowUpOutput(
        `changes: ${field} must be ${f.type === 'enum' ? `one of ${f.values!.join(', ')}` : `a ${f.type}`}`,
      );
    values[field] = f.type === 'integer' ? Math.round(v as number) : v;
  }
  const unknown = parsed.data.unclear.filter((n) => !byName.has(n));
  if (unknown.length) throw new BadFollowUpOutput(`unclear: ${unknown.join(', ')} are not input fields`);
  return { values, unclear: parsed.data.unclear.filter((n) => !(n in values)) };
}

/**
 * A configured language model's reading of a follow-up, validated against the input schema's
 * fields; a malformed answer is sent back once with the problem. Throws when the model fails or
 * answers badly twice: the caller then reads the message offline.
 */
export async function readFollowUpLlm(
  model: BaseChatModel,
  q: FollowUpQuestion,
  signal?: AbortSignal,
): Promise<{ reading: FollowUpReading; usage: UsageMetadata[] }> {
  const ask = jsonAsker(model, FollowUpOutputSchema, 'follow_up_changes', (problem) => new BadFollowUpOutput(problem));
  const messages: BaseMessage[] = [new SystemMessage(systemPrompt(q)), new HumanMessage(q.text)];
  const usage: UsageMetadata[] = [];
  for (let attempt = 0; ; attempt++) {
    const answer = await ask(messages, signal ?? new AbortController().signal);
    if (answer.usage) usage.push(answer.usage);
    try {
      return { reading: validate(answer.value(), q.fields), usage };
    } catch (err) {
      if ((err as Error).name !== 'BadFollowUpOutput' || attempt > 0) throw err;
      messages.push(
        new AIMessage(answer.raw || '(empty)'),
        new HumanMessage(
          `That answer was not valid: ${(err as Error).message}. Reply again with only the corrected JSON object.`,
        ),
      );
    }
  }
}
