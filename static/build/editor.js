// Entry for static/editor.js: CodeMirror 6 set up for Quick Edit, exposed as window.WeftEditor.
// Bundled by build.sh (esbuild, IIFE, minified, es2020). API:
//   WeftEditor.create(parent, {doc, filename, onChange?(doc), dark?}) -> handle
//   handle.getDoc() / setDoc(text) / setFile(filename, text) / focus()
//   handle.showError(line1Based, message) / clearErrors() / view (the EditorView)
// create also sets parent.weftEditor = handle and dispatches "weft-editor-ready" on parent.
// dark: true/false forces the theme; undefined follows prefers-color-scheme.
// Language from the filename: .ts/.mts/.cts/.tsx -> TypeScript, .jsx/.tsx -> JSX, else JavaScript (.json too).
import { EditorState, Compartment } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput } from "@codemirror/language";
import { search, searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { javascript } from "@codemirror/lang-javascript";
import { oneDark } from "@codemirror/theme-one-dark";

function languageFor(filename) {
  const ts = /\.(ts|mts|cts|tsx)$/.test(filename);
  const jsx = /\.(jsx|tsx)$/.test(filename);
  return javascript({ typescript: ts, jsx });
}

function create(parent, opts) {
  const language = new Compartment();
  const dark = opts.dark !== undefined ? opts.dark : window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  const extensions = [
    lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(), indentOnInput(),
    bracketMatching(), closeBrackets(), highlightSelectionMatches(), search({ top: true }), lintGutter(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    keymap.of([indentWithTab, ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap]),
    language.of(languageFor(opts.filename || "index.js")),
    EditorView.updateListener.of((u) => { if (u.docChanged && opts.onChange) opts.onChange(u.state.doc.toString()); }),
    EditorView.contentAttributes.of({ "aria-label": "Code editor" }),
  ];
  if (dark) extensions.push(oneDark);
  const view = new EditorView({ state: EditorState.create({ doc: opts.doc || "", extensions }), parent });
  const handle = {
    view,
    getDoc: () => view.state.doc.toString(),
    setDoc(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
    setFile(filename, text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, effects: language.reconfigure(languageFor(filename)) });
      view.dispatch(setDiagnostics(view.state, []));
    },
    focus: () => view.focus(),
    showError(line, message) {
      const n = Math.min(Math.max(1, line), view.state.doc.lines);
      const l = view.state.doc.line(n);
      view.dispatch(setDiagnostics(view.state, [{ from: l.from, to: Math.max(l.to, l.from), severity: "error", message }]));
      view.dispatch({ selection: { anchor: l.from }, effects: EditorView.scrollIntoView(l.from, { y: "center" }) });
    },
    clearErrors() { view.dispatch(setDiagnostics(view.state, [])); },
  };
  parent.weftEditor = handle;
  parent.dispatchEvent(new CustomEvent("weft-editor-ready"));
  return handle;
}

window.WeftEditor = { create };
