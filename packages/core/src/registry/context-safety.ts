import { CONTEXT_MD_MAX_BYTES } from '@orchestrator/contracts';

/**
 * Rules for the text of an agent's files, shared by the loader (files on disk), saves from the
 * Workforce editor and deployed agents (docs/agent-definition.md, "Hostile content").
 *
 * - Errors make the content unusable: it is refused on save and the agent is invalid on load.
 * - Warnings are kept as text: Context.md is prompt text for a model, and an agent describing
 *   web pages may legitimately quote `<script>`. The web app renders Markdown through DOMPurify,
 *   so active content is inert there; the warning tells the editor why it looks odd.
 */
export interface ContentCheck {
  errors: string[];
  warnings: string[];
}

export { CONTEXT_MD_MAX_BYTES };

/** Thrown by {@link decodeUtf8Strict}: the bytes are not UTF-8 text. */
export class ContentEncodingError extends Error {
  override readonly name = 'ContentEncodingError';
}

/**
 * Decodes file bytes as UTF-8 and refuses anything else (fatal: no silent U+FFFD replacement,
 * which would otherwise save a corrupted file back on the next edit).
 */
export function decodeUtf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8Offset(bytes);
    throw new ContentEncodingError(
      `${what} is not valid UTF-8 text${at === null ? '' : ` (invalid byte at offset ${at})`}; save it as UTF-8`,
    );
  }
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Binary search on prefixes would split characters; a linear scan of sequence lengths is exact.
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try {
      decoder.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return null;
}

// C0 controls except tab, LF and CR; DEL; C1 controls. NUL is the classic one: it truncates text
// in C libraries and Postgres refuses it in `text` columns.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** NUL / control characters / broken UTF-16: refused in every text file of an agent. */
export function controlCharacterError(text: string, what: string): string | null {
  const control = CONTROL_CHAR.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `${what} contains the control character U+${code} on line ${lineOf(text, control.index)}; remove it (only tab and line breaks are allowed)`;
  }
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate)
    return `${what} contains a broken character (lone UTF-16 surrogate) on line ${lineOf(text, surrogate.index)}`;
  return null;
}

const ACTIVE_CONTENT: Array<{ pattern: RegExp; label: string }> = [
  { pattern: /<\s*script\b/i, label: 'a <script> tag' },
  { pattern: /<\s*iframe\b/i, label: 'an <iframe> tag' },
  { pattern: /<\s*(object|embed)\b/i, label: 'an <object>/<embed> tag' },
  { pattern: /<[^>]*\son[a-z]+\s*=/i, label: 'an inline event handler (on…=)' },
  { pattern: /javascript\s*:/i, label: 'a javascript: URL' },
];

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n[\s\S]*?\r?\n(---|\.\.\.)[ \t]*(\r?\n|$)/;

/** Checks a Context.md before it is stored or used as a prompt. */
export function checkContextMd(text: string): ContentCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > CONTEXT_MD_MAX_BYTES) {
    errors.push(
      `Context.md is ${bytes} bytes; the limit is ${CONTEXT_MD_MAX_BYTES} bytes (it goes into every prompt of the agent): shorten it`,
    );
  }
  if (text.trim().length === 0) errors.push('Context.md is empty');
  const control = controlCharacterError(text, 'Context.md');
  if (control) errors.push(control);
  for (const { pattern, label } of ACTIVE_CONTENT) {
    const m = pattern.exec(text);
    if (m)
      warnings.push(
        `Context.md contains ${label} on line ${lineOf(text, m.index)}: it is kept as plain text and shown inert, never run`,
      );
  }
  if (FRONT_MATTER.test(text)) {
    warnings.push(
      'Context.md starts with YAML front matter: it is plain text to the orchestrator and does not change agent.yaml (edit the settings instead)',
    );
  }
  return { errors, warnings };
}
