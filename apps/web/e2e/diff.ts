import type { Locator } from 'playwright-core';

/**
 * The lines a version diff (CodeMirror merge view) shows as added, without markers: the changed
 * lines of the right-hand pane side by side, or the inserted lines of the single pane at phone width.
 */
export function addedDiffLines(scope: Locator): Promise<string[]> {
  return scope
    .locator(
      '[data-testid="agent-diff"] .cm-merge-b .cm-changedLine, [data-testid="agent-diff"][data-layout="unified"] .cm-content > .cm-changedLine',
    )
    .allTextContents()
    .then((lines) => lines.map((line) => line.replace(/\u00a0/g, ' ').trimEnd()));
}
