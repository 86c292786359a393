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
