import type { BaseMessage } from '@langchain/core/messages';

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
