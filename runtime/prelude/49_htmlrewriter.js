// HTMLRewriter: the script's element, text, comment and document handlers run over the tokens Go's
// HTML tokenizer produced (with CSS selectors already matched), and the output is written as they ask.
const htmlEscape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const attrEscape = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
const htmlContent = (c, o) => (o && o.html ? String(c) : htmlEscape(String(c)));

class Element {
  constructor(t) {
    this._tag = t.tag;
    this._attrs = t.attrs.map(([k, v]) => [k, v]);
    this._void = t.void;
    this._raw = t.raw;
    this._changed = false;
    this._before = ""; this._after = ""; this._prepend = ""; this._append = "";
    this._inner = null; this._replaced = null; this._removed = false; this._unwrapped = false;
    this._endHandlers = [];
  }
  get tagName() { return this._tag; }
  set tagName(v) { this._tag = String(v).toLowerCase(); this._changed = true; }
  get attributes() { return this._attrs.map(([k, v]) => [k, v])[Symbol.iterator](); }
  get namespaceURI() { return "http://www.w3.org/1999/xhtml"; }
  get removed() { return this._removed; }
  get selfClosing() { return /\/\s*>$/.test(this._raw); }
  get canHaveContent() { return !this._void; }
  getAttribute(name) { const a = this._attrs.find(([k]) => k === String(name).toLowerCase()); return a ? a[1] : null; }
  hasAttribute(name) { return this._attrs.some(([k]) => k === String(name).toLowerCase()); }
  setAttribute(name, value) {
    name = String(name).toLowerCase();
    const a = this._attrs.find(([k]) => k === name);
    if (a) a[1] = String(value); else this._attrs.push([name, String(value)]);
    this._changed = true;
    return this;
  }
  removeAttribute(name) { this._attrs = this._attrs.filter(([k]) => k !== String(name).toLowerCase()); this._changed = true; return this; }
  before(c, o) { this._before += htmlContent(c, o); return this; }
  after(c, o) { this._after = htmlContent(c, o) + this._after; return this; }
  prepend(c, o) { this._prepend = htmlContent(c, o) + this._prepend; return this; }
  append(c, o) { this._append += htmlContent(c, o); return this; }
  setInnerContent(c, o) { this._inner = htmlContent(c, o); this._prepend = ""; this._append = ""; return this; }
  replace(c, o) { this._replaced = htmlContent(c, o); return this; }
  remove() { this._removed = true; return this; }
  removeAndKeepContent() { this._unwrapped = true; return this; }
  onEndTag(handler) { this._endHandlers.push(handler); }
  _startTag() {
    if (!this._changed) return this._raw;
    return "<" + this._tag + this._attrs.map(([k, v]) => " " + k + '="' + attrEscape(v) + '"').join("") + (this.selfClosing ? " />" : ">");
  }
}

// A chunk of text or a comment, with the same insertion methods.
class Chunk {
  constructor(text, kind) { this._text = text; this._kind = kind; this._before = ""; this._after = ""; this._replaced = null; this._removed = false; }
  get removed() { return this._removed || this._replaced !== null; }
  before(c, o) { this._before += htmlContent(c, o); return this; }
  after(c, o) { this._after = htmlContent(c, o) + this._after; return this; }
  replace(c, o) { this._replaced = htmlContent(c, o); return this; }
  remove() { this._removed = true; return this; }
  _out(raw) { return this._before + (this._replaced !== null ? this._replaced : this._removed ? "" : raw) + this._after; }
}
// A text node reaches handlers as its text, then an empty chunk that ends it, as lol-html's do.
class TextChunk extends Chunk {
  constructor(text, kind, last) { super(text, kind); this._last = !!last; }
  get text() { return this._text; }
  get lastInTextNode() { return this._last; }
}
class CommentChunk extends Chunk {
  get text() { return this._text; }
  set text(v) { this._text = String(v); this._changedText = true; }
}

class HTMLRewriter {
  constructor() { this._on = []; this._doc = []; }
  on(selector, handlers) { this._on.push({ selector: String(selector), handlers }); return this; }
  onDocument(handlers) { this._doc.push(handlers); return this; }
  // transform streams: each chunk of the body is tokenized as it arrives, the handlers run on what it
  // completed, and the rewritten text goes out before the next chunk is read.
  transform(response) {
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'transform' on 'HTMLRewriter': parameter 1 is not of type 'Response'.");
    const selectors = this._on.map((o) => o.selector);
    __weft.htmlCheck(selectors); // a bad selector fails transform() itself, as in workerd
    const has = (h, k) => !!(h && typeof h[k] === "function");
    const needs = {
      docText: this._doc.some((h) => has(h, "text")), docComments: this._doc.some((h) => has(h, "comments")),
      docDoctype: this._doc.some((h) => has(h, "doctype")),
      element: this._on.map((o) => has(o.handlers, "element")), text: this._on.map((o) => has(o.handlers, "text")),
      comments: this._on.map((o) => has(o.handlers, "comments")),
    };
    const run = new RewriteRun(this);
    let reader = null, pass = 0;
    const body = response._body === null ? null : new ReadableStream({
      type: "bytes",
      async pull(c) {
        if (!reader) { reader = response.body.getReader(); pass = __weft.htmlStart(selectors, needs); }
        const { value, done } = await reader.read();
        const { tokens } = await __weft.htmlFeed(pass, done ? null : chunkBytes(value));
        let out = await run.feed(tokens);
        if (done) out += await run.end();
        if (out) c.enqueue(new TextEncoder().encode(out));
        if (done) c.close();
      },
      cancel(reason) { if (reader) return reader.cancel(reason); },
    });
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  }
}

// RewriteRun applies one transform's handlers to the tokens of its document, batch by batch.
class RewriteRun {
  constructor(rw) {
    this.rw = rw;
    this.open = new Map(); // element id → Element, for elements whose end tag matters
    this.skipUntil = 0; // inside an element whose content was removed or replaced
  }
  async feed(toks) {
    const parts = []; // joined once at the end: repeated string += is quadratic in goja
    const emit = (s) => { if (s) parts.push(s); };
    const handlersFor = (matches, kind) => (matches || []).map((i) => this.rw._on[i].handlers).filter((h) => h && typeof h[kind] === "function");
    for (const t of toks) {
      if (this.skipUntil && !(t.kind === "end" && t.id === this.skipUntil)) continue;
      switch (t.kind) {
        case "raw":
          emit(t.raw);
          break;
        case "doctype":
          for (const h of this.rw._doc) if (h.doctype) await h.doctype({ name: t.name || null, publicId: null, systemId: null });
          emit(t.raw);
          break;
        case "comment": {
          const c = new CommentChunk(t.raw.replace(/^<!--/, "").replace(/-->$/, ""), "comment");
          for (const h of this.rw._doc) if (h.comments) await h.comments(c);
          for (const h of handlersFor(t.matches, "comments")) await h.comments(c);
          emit(c._out(c._changedText ? "<!--" + c._text + "-->" : t.raw));
          break;
        }
        case "text": {
          for (const [raw, last] of [[t.raw, false], ["", true]]) {
            const c = new TextChunk(raw, "text", last);
            for (const h of this.rw._doc) if (h.text) await h.text(c);
            for (const h of handlersFor(t.matches, "text")) await h.text(c);
            emit(c._out(raw));
          }
          break;
        }
        case "start": {
          const hs = handlersFor(t.matches, "element");
          if (!hs.length) { emit(t.raw); break; }
          const el = new Element(t);
          for (const h of hs) await h.element(el);
          emit(el._before);
          if (el._removed || el._replaced !== null) {
            emit(el._replaced || "");
            if (t.void) emit(el._after); else { this.skipUntil = t.id; this.open.set(t.id, el); }
            break;
          }
          if (!el._unwrapped) emit(el._startTag());
          emit(el._prepend);
          if (el._inner !== null) { emit(el._inner); if (!t.void) this.skipUntil = t.id; }
          if (t.void) emit(el._after); else this.open.set(t.id, el);
          break;
        }
        case "end": {
          if (this.skipUntil === t.id) this.skipUntil = 0;
          const el = t.id ? this.open.get(t.id) : undefined;
          if (!el) { emit(t.raw); break; }
          this.open.delete(t.id);
          if (el._removed || el._replaced !== null) { emit(el._after); break; }
          emit(el._append);
          const end = { name: el._tag, _before: "", _after: "", _removed: false,
            before(c, o) { this._before += htmlContent(c, o); return this; },
            after(c, o) { this._after = htmlContent(c, o) + this._after; return this; },
            remove() { this._removed = true; return this; } };
          for (const h of el._endHandlers) await h(end);
          const tag = t.raw && el._changed && el._tag !== t.tag ? "</" + el._tag + ">" : t.raw;
          emit(end._before + (el._unwrapped || end._removed ? "" : tag) + end._after + el._after);
          break;
        }
      }
    }
    return parts.join("");
  }
  async end() {
    const parts = [];
    const end = { append(c, o) { parts.push(htmlContent(c, o)); return this; } };
    for (const h of this.rw._doc) if (h.end) await h.end(end);
    return parts.join("");
  }
}
define("HTMLRewriter", HTMLRewriter);
