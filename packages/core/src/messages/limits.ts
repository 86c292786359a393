import { MESSAGE_MAX_CHARS } from '@orchestrator/contracts';

/** How much of a person's text a reply quotes back: enough to recognise it, never a whole long message. */
export const QUOTE_MAX_CHARS = 1_000;

/** The text cut to `max` UTF-16 units without splitting a surrogate pair (a lone half is not valid text). */
function cut(text: string, max: number): string {
  const head = text.slice(0, max);
  const last = head.charCodeAt(head.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? head.slice(0, -1) : head;
}

/**
 * A person's text as a reply quotes it: whole when short, else its start (at a word boundary when
 * there is one nearby) and how much was left out. Replies that echo the task or the feedback stay
 * small whatever the message's size.
 */
export function quoteExcerpt(text: string, max = QUOTE_MAX_CHARS): string {
  if (text.length <= max) return text;
  const head = cut(text, max);
  const space = head.search(/\s\S*$/);
  const excerpt = space > max * 0.8 ? head.slice(0, space) : head;
  return `${excerpt.trimEnd()} … (${(text.length - excerpt.length).toLocaleString('en-US')} more characters)`;
}

/**
 * A message body the store accepts (at most MESSAGE_MAX_CHARS characters): longer text — a
 * model's or an agent's output — is cut, and says so.
 */
export function fitMessage(text: string): string {
  if (text.length <= MESSAGE_MAX_CHARS) return text;
  const note = `\n\n… (cut here: the full text was ${text.length.toLocaleString('en-US')} characters, and a chat message holds at most ${MESSAGE_MAX_CHARS.toLocaleString('en-US')})`;
  return cut(text, MESSAGE_MAX_CHARS - note.length) + note;
}
