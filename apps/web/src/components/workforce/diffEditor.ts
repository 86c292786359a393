import type { MergeView, unifiedMergeView } from '@codemirror/merge';
import type { EditorView, minimalSetup } from 'codemirror';

/** What a diff's panes are drawn with. */
export interface DiffEditor {
  EditorView: typeof EditorView;
  MergeView: typeof MergeView;
  minimalSetup: typeof minimalSetup;
  unifiedMergeView: typeof unifiedMergeView;
}

let loading: Promise<DiffEditor> | null = null;

/** CodeMirror's merge view, fetched once, the first time a diff is shown. */
export function loadDiffEditor(): Promise<DiffEditor> {
  loading ??= Promise.all([import('@codemirror/merge'), import('codemirror')]).then(
    ([merge, codemirror]) => ({
      EditorView: codemirror.EditorView,
      MergeView: merge.MergeView,
      minimalSetup: codemirror.minimalSetup,
      unifiedMergeView: merge.unifiedMergeView,
    }),
    (cause: unknown) => {
      // A failed download (a new release replaced the chunk, the network dropped) may succeed later.
      loading = null;
      throw cause;
    },
  );
  return loading;
}
