export type DiffLineKind = 'added' | 'removed' | 'context' | 'hunk' | 'header' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** Classifies each line of a unified diff (as the API sends it) for colouring; the text is kept as is. */
export function parseUnifiedDiff(diff: string): DiffLine[] {
  if (!diff) return [];
  const lines = diff.replace(/\n$/, '').split('\n');
  return lines.map((text): DiffLine => {
    if (text.startsWith('+++') || text.startsWith('---') || text.startsWith('Index:') || text.startsWith('==='))
      return { kind: 'header', text };
    if (text.startsWith('@@')) return { kind: 'hunk', text };
    if (text.startsWith('+')) return { kind: 'added', text };
    if (text.startsWith('-')) return { kind: 'removed', text };
    if (text.startsWith('\\')) return { kind: 'note', text };
    return { kind: 'context', text };
  });
}

/** Counts of added and removed lines, for a summary such as "+3 −1". */
export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'added') added += 1;
    else if (line.kind === 'removed') removed += 1;
  }
  return { added, removed };
}

/** The two texts a unified diff compares, as far as the diff shows them. */
export interface DiffSides {
  before: string;
  after: string;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** The line both sides show where the diff leaves out unchanged text, so the panes stay aligned. */
export const gapLine = (lines: number): string => `⋯ ${lines} unchanged ${lines === 1 ? 'line' : 'lines'} ⋯`;

/**
 * Rebuilds the old and the new text from a unified diff: context lines on both sides, removed
 * lines on the left, added lines on the right. Text the diff leaves out between hunks becomes one
 * identical marker line on both sides, so a side-by-side view shows it as unchanged.
 */
export function sidesOfUnifiedDiff(diff: string): DiffSides {
  const before: string[] = [];
  const after: string[] = [];
  /** The next old-file line number a hunk would start at if nothing were left out. */
  let nextOld = 1;
  let inHunk = false;
  // Inside a hunk the first character decides, so a removed Markdown rule ("----") is not a header.
  for (const text of diff.replace(/\n$/, '').split('\n')) {
    const match = HUNK.exec(text);
    if (match) {
      const start = Number(match[1]);
      const count = match[2] !== undefined ? Number(match[2]) : 1;
      // "-0,0" is an empty old file: the hunk starts before line 1.
      const first = count === 0 ? start + 1 : start;
      if (first > nextOld) {
        before.push(gapLine(first - nextOld));
        after.push(gapLine(first - nextOld));
      }
      nextOld = first + count;
      inHunk = true;
      continue;
    }
    if (!inHunk || text === '') continue;
    const mark = text.charAt(0);
    const body = text.slice(1);
    if (mark === '-') before.push(body);
    else if (mark === '+') after.push(body);
    else if (mark === ' ') {
      before.push(body);
      after.push(body);
    }
  }
  // Every line ends with its newline, as in the files: text added after the last line then starts a
  // line of its own instead of changing the line before it.
  const text = (lines: string[]) => lines.map((line) => `${line}\n`).join('');
  return { before: text(before), after: text(after) };
}
