// HTMLRewriter: the script's element, text, comment and document handlers run over the tokens Go's
// HTML tokenizer produced (with CSS selectors already matched), and the output is written as they ask.
// The expressions are made once: a regular expression literal is a new object each time it runs.
const ampRe = /&/g, ltRe = /</g, gtRe = />/g, quotRe = /"/g;
const htmlEscape = (s) => s.replace(ampRe, "&amp;").replace(ltRe, "&lt;").replace(gtRe, "&gt;");
const attrEscape = (s) => s.replace(ampRe, "&amp;").replace(quotRe, "&quot;");
const htmlContent = (c, o) => (o && o.html ? String(c) : htmlEscape(String(c)));

const selfClosingRe = /\/\s*>$/;

class Element {
  constructor(tag, flatAttrs, isVoid, raw) {
    this._tag = tag;
    this._attrs = [];
    for (let i = 0; i < flatAttrs.length; i += 2) this._attrs.push([flatAttrs[i], flatAttrs[i + 1]]);
    this._void = isVoid;
    this._raw = raw;
  }
  get tagName() { return this._tag; }
  set tagName(v) { this._tag = String(v).toLowerCase(); this._changed = true; }
  get attributes() { return this._attrs.map((a) => [a[0], a[1]])[Symbol.iterator](); }
  get namespaceURI() { return "http://www.w3.org/1999/xhtml"; }
  get removed() { return this._removed; }
  get selfClosing() { return selfClosingRe.test(this._raw); }
  get canHaveContent() { return !this._void; }
  _attr(name) {
    for (let i = 0; i < this._attrs.length; i++) if (this._attrs[i][0] === name) return this._attrs[i];
    return null;
  }
  getAttribute(name) { const a = this._attr(String(name).toLowerCase()); return a ? a[1] : null; }
  hasAttribute(name) { return this._attr(String(name).toLowerCase()) !== null; }
  setAttribute(name, value) {
    name = String(name).toLowerCase();
    const a = this._attr(name);
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
  onEndTag(handler) { (this._endHandlers || (this._endHandlers = [])).push(handler); }
  _startTag() {
    if (!this._changed) return this._raw;
    let out = "<" + this._tag;
    for (let i = 0; i < this._attrs.length; i++) out += " " + this._attrs[i][0] + '="' + attrEscape(this._attrs[i][1]) + '"';
    return out + (this.selfClosing ? " />" : ">");
  }
}
// What most elements leave untouched lives on the prototype: an own property each would cost goja
// allocations for every matched element (see protoDefaults).
protoDefaults(Element.prototype, { _changed: false, _before: "", _after: "", _prepend: "", _append: "", _inner: null,
  _replaced: null, _removed: false, _unwrapped: false, _endHandlers: null });

// A chunk of text or a comment, with the same insertion methods.
class Chunk {
  constructor(text, kind) { this._text = text; this._kind = kind; }
  get removed() { return this._removed || this._replaced !== null; }
  before(c, o) { this._before += htmlContent(c, o); return this; }
  after(c, o) { this._after = htmlContent(c, o) + this._after; return this; }
  replace(c, o) { this._replaced = htmlContent(c, o); return this; }
  remove() { this._removed = true; return this; }
  _out(raw) { return this._before + (this._replaced !== null ? this._replaced : this._removed ? "" : raw) + this._after; }
}
protoDefaults(Chunk.prototype, { _before: "", _after: "", _replaced: null, _removed: false });
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
        if (done) {
          const out = (await run.feed(await __weft.htmlFeed(pass, null))) + (await run.end());
          if (out) c.enqueue(new TextEncoder().encode(out));
          c.close();
          return;
        }
        // A large chunk (a whole page made in memory) goes a slice at a time, so a pass holds one
        // slice's tokens and output at once rather than the page's.
        const bytes = chunkBytes(value);
        for (let at = 0; at < bytes.length; at += htmlFeedSlice) {
          const out = await run.feed(await __weft.htmlFeed(pass, bytes.subarray(at, at + htmlFeedSlice)));
          if (out) c.enqueue(new TextEncoder().encode(out));
        }
      },
      cancel(reason) { if (reader) return reader.cancel(reason); },
    });
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  }
}

const htmlFeedSlice = 16384;

// A handler's answer is awaited only when it is a promise: an await of anything else still costs a
// promise job, thousands of them on a page.
const thenable = (r) => r !== null && typeof r === "object" && typeof r.then === "function";

// RewriteRun applies one transform's handlers to the tokens of its document, batch by batch.
class RewriteRun {
  constructor(rw) {
    this.rw = rw;
    this.open = new Map(); // element id → Element, for elements whose end tag matters
    this.skipUntil = 0; // inside an element whose content was removed or replaced
  }
  // feed runs the handlers over a batch of Go's tokens (tokenValues): a raw run is a string, any
  // other token [kind, raw, tag, id, attrs, void, matches, name]. Loops are indexed and handlers'
  // answers awaited only when they are promises: in goja each iterator step, destructuring and
  // await costs allocations, and a page has thousands of tokens.
  async feed(toks) {
    const parts = []; // joined once at the end: repeated string += is quadratic in goja
    const emit = (s) => { if (s) parts.push(s); };
    const on = this.rw._on, doc = this.rw._doc;
    const handlersFor = (matches, kind) => {
      const hs = [];
      if (matches) for (let i = 0; i < matches.length; i++) { const h = on[matches[i]].handlers; if (h && typeof h[kind] === "function") hs.push(h); }
      return hs;
    };
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (typeof t === "string") { if (!this.skipUntil) emit(t); continue; }
      const kind = t[0], raw = t[1], id = t[3], matches = t[6];
      if (this.skipUntil && !(kind === "end" && id === this.skipUntil)) continue;
      switch (kind) {
        case "doctype":
          for (const h of doc) if (h.doctype) { const p = h.doctype({ name: t[7] || null, publicId: null, systemId: null }); if (thenable(p)) await p; }
          emit(raw);
          break;
        case "comment": {
          const c = new CommentChunk(raw.replace(/^<!--/, "").replace(/-->$/, ""), "comment");
          for (const h of doc) if (h.comments) { const p = h.comments(c); if (thenable(p)) await p; }
          for (const h of handlersFor(matches, "comments")) { const p = h.comments(c); if (thenable(p)) await p; }
          emit(c._out(c._changedText ? "<!--" + c._text + "-->" : raw));
          break;
        }
        case "text": {
          const hs = handlersFor(matches, "text");
          for (let last = 0; last < 2; last++) {
            const text = last ? "" : raw;
            const c = new TextChunk(text, "text", last);
            for (const h of doc) if (h.text) { const p = h.text(c); if (thenable(p)) await p; }
            for (let j = 0; j < hs.length; j++) { const p = hs[j].text(c); if (thenable(p)) await p; }
            emit(c._out(text));
          }
          break;
        }
        case "start": {
          const hs = handlersFor(matches, "element");
          if (!hs.length) { emit(raw); break; }
          const isVoid = t[5], el = new Element(t[2], t[4], isVoid, raw);
          for (let j = 0; j < hs.length; j++) { const p = hs[j].element(el); if (thenable(p)) await p; }
          emit(el._before);
          if (el._removed || el._replaced !== null) {
            emit(el._replaced || "");
            if (isVoid) emit(el._after); else { this.skipUntil = id; this.open.set(id, el); }
            break;
          }
          if (!el._unwrapped) emit(el._startTag());
          emit(el._prepend);
          if (el._inner !== null) { emit(el._inner); if (!isVoid) this.skipUntil = id; }
          if (isVoid) emit(el._after); else this.open.set(id, el);
          break;
        }
        case "end": {
          if (this.skipUntil === id) this.skipUntil = 0;
          const el = id ? this.open.get(id) : undefined;
          if (!el) { emit(raw); break; }
          this.open.delete(id);
          if (el._removed || el._replaced !== null) { emit(el._after); break; }
          emit(el._append);
          const tag = raw && el._changed && el._tag !== t[2] ? "</" + el._tag + ">" : raw;
          if (!el._endHandlers) { emit((el._unwrapped ? "" : tag) + el._after); break; }
          const end = { name: el._tag, _before: "", _after: "", _removed: false,
            before(c, o) { this._before += htmlContent(c, o); return this; },
            after(c, o) { this._after = htmlContent(c, o) + this._after; return this; },
            remove() { this._removed = true; return this; } };
          for (const h of el._endHandlers) { const p = h(end); if (thenable(p)) await p; }
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
