import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessage, BaseMessage, UsageMetadata } from '@langchain/core/messages';
import type { z } from 'zod';

/** The plain text of a message whatever its content shape (a string or content blocks). */
export function messageText(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content
    .map((part) => (typeof part === 'string' ? part : 'text' in part && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/**
 * The JSON object in a model's reply, tolerating code fences and prose around it. `fail` makes
 * the caller's error, so each caller can tell a malformed answer (worth one repair) from others.
 */
export function extractJson(text: string, fail: (problem: string) => Error): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw fail('the reply contains no JSON object');
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch (err) {
    throw fail(`the reply is not valid JSON (${(err as Error).message})`);
  }
}

/**
 * One model call for a JSON object: the candidate value, read lazily so that a malformed reply
 * throws inside the caller's repair loop, and the raw reply, shown back to the model on repair.
 */
export interface JsonAnswer {
  value: () => unknown;
  raw: string;
  /** The call's token usage, as the provider reported it. */
  usage?: UsageMetadata;
}

/**
 * Asks a model for one JSON object. Models with tool calling answer through
 * `withStructuredOutput` (the zod schema becomes the tool's parameters); others are asked for
 * JSON text. The caller validates the value with the same schema either way.
 */
export function jsonAsker(
  model: BaseChatModel,
  schema: z.ZodObject,
  toolName: string,
  fail: (problem: string) => Error,
): (messages: BaseMessage[], signal: AbortSignal) => Promise<JsonAnswer> {
  const structured =
    typeof model.bindTools === 'function'
      ? model.withStructuredOutput(schema, { name: toolName, includeRaw: true })
      : undefined;
  return async (messages, signal) => {
    if (structured) {
      const { raw, parsed } = await structured.invoke(messages, { signal });
      const text = messageText(raw as BaseMessage);
      const args = (raw as AIMessage).tool_calls?.[0]?.args;
      return {
        value: () => parsed ?? args ?? extractJson(text, fail),
        raw: text || JSON.stringify(args ?? null),
        usage: (raw as AIMessage).usage_metadata,
      };
    }
    const reply = await model.invoke(messages, { signal });
    const text = messageText(reply);
    return { value: () => extractJson(text, fail), raw: text, usage: reply.usage_metadata };
  };
}
