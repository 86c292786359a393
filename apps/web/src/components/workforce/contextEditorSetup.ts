import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { commonmarkLanguage, markdownKeymap, pasteURLAsLink } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, indentOnInput, LanguageSupport, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState, Prec } from '@codemirror/state';
import {
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';

export { EditorView };

/**
 * What the Context.md editor needs, and no more: Markdown highlighting (CommonMark, as `markdown()`
 * uses by default) with its list-continuing Enter and markup-deleting Backspace, line numbers, undo
 * history, search (Ctrl/Cmd+F) and the default key bindings. `basicSetup` and `markdown()` would
 * also bring code folding, bracket closing, autocompletion, linting and the HTML, CSS and
 * JavaScript grammars (for HTML tags inside Markdown): most of the editor's download, for nothing
 * a Context.md is edited with.
 */
export const contextEditorSetup = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  history(),
  drawSelection(),
  dropCursor(),
  EditorState.allowMultipleSelections.of(true),
  indentOnInput(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  highlightActiveLine(),
  highlightSelectionMatches(),
  new LanguageSupport(commonmarkLanguage, [Prec.high(keymap.of(markdownKeymap)), pasteURLAsLink]),
  keymap.of([...defaultKeymap, ...searchKeymap, ...historyKeymap]),
];
