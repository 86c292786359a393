import { flushPromises } from '@vue/test-utils';
import { loadDiffEditor } from '../components/workforce/diffEditor';

/** Waits until the diffs on screen have drawn their panes (CodeMirror loads with the first one). */
export async function diffPanesDrawn(): Promise<void> {
  await loadDiffEditor();
  await flushPromises();
}
