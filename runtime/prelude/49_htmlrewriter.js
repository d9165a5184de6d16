// HTMLRewriter: the script's element, text, comment and document handlers run over the tokens Go's
// HTML tokenizer produced (with CSS selectors already matched), and the output is written as they ask.
// The expressions are made once: a regular expression literal is a new object each time it runs.
const ampRe = /&/g, ltRe = /</g, gtRe = />/g, quotRe = /"/g, upperRe = /[A-Z]/;
const htmlEscape = (s) => s.replace(ampRe, "&amp;").replace(ltRe, "&lt;").replace(gtRe, "&gt;");
const htmlContent = (c, o) => (o && o.html ? String(c) : htmlEscape(String(c)));
// What lol-html refuses in an attribute name: it would end the name, or the tag, in the output.
const badAttrNameRe = /[ \n\r\t\f\/>=]/;
const asciiLower = (s) => (upperRe.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s);

// Go's token kinds and element flags, and a token's layout in a page (htmlrewriter.go's
// tokenValues): kind, raw, tag, id, flags, matches, doctype name, attribute count, then the
// attributes. A raw run comes as a plain string.
const tokenStart = 1, tokenEnd = 2, tokenText = 3, tokenComment = 4, tokenDoctype = 5;
const elementVoid = 1, elementSelfClosing = 2;
const htmlTokenHead = 8; // entries before a token's attributes

// An element as lol-html gives it: attribute values as written (character references left as they
// are), names lowercased; a start tag a handler changed is written again from its parts, each
// untouched attribute as it was written. It reads its token in Go's page (tokenValues) until a
// handler changes it: in goja every own property and array costs allocations, for each element.
class Element {
  constructor(page, at) { this._p = page; this._at = at; }
  get tagName() { return this._tag !== null ? this._tag : this._p[this._at + 2]; }
  set tagName(v) { this._tag = String(v).toLowerCase(); this._changed = true; }
  get attributes() {
    const a = this._list(), out = [];
    for (let i = this._from(), to = this._to(); i < to; i += 4) out.push([a[i], a[i + 1]]);
    return out[Symbol.iterator]();
  }
  get namespaceURI() { return "http://www.w3.org/1999/xhtml"; }
  get removed() { return this._removed; }
  // The attributes are entries [name, value, start, end] in _list() from _from() to _to(): in the
  // token's page, or in the element's own list once one is added or removed. raw.slice(start, end)
  // is an attribute as written; end is -1 once the script set it, start too for one it added. The
  // page is this batch's alone, so a value is set in it in place.
  _list() { return this._a !== null ? this._a : this._p; }
  _from() { return this._a !== null ? 0 : this._at + htmlTokenHead; }
  _to() { return this._a !== null ? this._a.length : this._at + htmlTokenHead + 4 * this._p[this._at + 7]; }
  _own() {
    if (this._a === null) this._a = this._p.slice(this._from(), this._to());
    return this._a;
  }
  // _find is the index of the named attribute in _list(), or -1; a name is looked up as lol-html
  // does, lowercased, but the usual lowercase string is first compared as it is.
  _find(name) { // the range is spelled out: a method call costs goja more than the search
    const own = this._a, a = own !== null ? own : this._p, from = own !== null ? 0 : this._at + htmlTokenHead;
    const to = own !== null ? own.length : from + 4 * a[this._at + 7];
    for (let i = from; i < to; i += 4) if (a[i] === name) return i;
    const lower = asciiLower(String(name));
    if (lower !== name) for (let i = from; i < to; i += 4) if (a[i] === lower) return i;
    return -1;
  }
  getAttribute(name) { const i = this._find(name); return i < 0 ? null : (this._a !== null ? this._a : this._p)[i + 1]; }
  hasAttribute(name) { return this._find(name) >= 0; }
  setAttribute(name, value) {
    value = String(value);
    const i = this._find(name);
    if (i >= 0) {
      const a = this._a !== null ? this._a : this._p;
      a[i + 1] = value;
      a[i + 3] = -1;
    } else {
      name = asciiLower(String(name));
      if (name === "") throw new TypeError("Parser error: Attribute name can't be empty.");
      const bad = badAttrNameRe.exec(name);
      if (bad) throw new TypeError(`Parser error: \`${bad[0]}\` character is forbidden in the attribute name`);
      this._own().push(name, value, -1, -1);
    }
    this._changed = true;
    return this;
  }
  removeAttribute(name) {
    const i = this._find(name);
    if (i >= 0) {
      const from = this._from(); // the element's own list starts with its first attribute
      this._own().splice(i - from, 4);
      this._changed = true;
    }
    return this;
  }
  before(c, o) { this._before += htmlContent(c, o); return this; }
  after(c, o) { this._after = htmlContent(c, o) + this._after; return this; }
  prepend(c, o) { this._prepend = htmlContent(c, o) + this._prepend; return this; }
  append(c, o) { this._append += htmlContent(c, o); return this; }
  setInnerContent(c, o) { this._inner = htmlContent(c, o); this._prepend = ""; this._append = ""; return this; }
  replace(c, o) { this._replaced = htmlContent(c, o); return this; }
  remove() { this._removed = true; return this; }
  removeAndKeepContent() { this._unwrapped = true; return this; }
  onEndTag(handler) { (this._endHandlers || (this._endHandlers = [])).push(handler); }
  // _startTag is the start tag as lol-html writes it: untouched, as it came; changed, its name as
  // written (or the new one), then its attributes joined by single spaces, each set one as
  // name="value" with only the double quote escaped.
  _startTag() {
    const p = this._p, at = this._at, raw = p[at + 1];
    if (!this._changed) return raw;
    const a = this._list(), from = this._from(), to = this._to(), selfClosing = p[at + 4] & elementSelfClosing;
    let out = "<" + (this._tag !== null ? this._tag : raw.substring(1, 1 + p[at + 2].length));
    for (let i = from; i < to; i += 4) {
      const start = a[i + 2];
      if (a[i + 3] >= 0) out += " " + raw.substring(start, a[i + 3]);
      else out += " " + (start >= 0 ? raw.substring(start, start + a[i].length) : a[i]) + '="' + a[i + 1].replace(quotRe, "&quot;") + '"'; // a set attribute keeps its name as written
    }
    return out + (selfClosing ? (to > from ? " />" : "/>") : ">");
  }
}
// What most elements leave untouched lives on the prototype: an own property each would cost goja
// allocations for every matched element (see protoDefaults).
protoDefaults(Element.prototype, { _a: null, _tag: null, _changed: false, _before: "", _after: "", _prepend: "",
  _append: "", _inner: null, _replaced: null, _removed: false, _unwrapped: false, _endHandlers: null });

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
const noHandlers = [];

// HTMLOutput gathers a batch's output. Its pieces go into short lists, each joined when full, because
// pushing onto a long array reads a length past 127, one allocation each, and repeated string +=
// copies the whole string each time.
class HTMLOutput {
  constructor() { this.done = []; this.cur = []; }
  emit(s) {
    if (!s) return;
    const cur = this.cur;
    cur.push(s);
    if (cur.length === 100) { this.done.push(cur.join("")); this.cur = []; }
  }
  text() { this.done.push(this.cur.join("")); return this.done.join(""); }
}

// A handler's answer is awaited only when it is a promise: an await of anything else still costs a
// promise job, thousands of them on a page.
const thenable = (r) => r !== null && typeof r === "object" && typeof r.then === "function";

// RewriteRun applies one transform's handlers to the tokens of its document, batch by batch.
class RewriteRun {
  constructor(rw) {
    this.rw = rw;
    this.open = new Map(); // element id → Element, for elements whose end tag matters
    this.skipUntil = 0; // inside an element whose content was removed or replaced
    // The handlers of one matched selector, by kind: most tokens match one, and need no new list.
    const only = (kind) => rw._on.map((o) => (o.handlers && typeof o.handlers[kind] === "function" ? [o.handlers] : []));
    this.one = { element: only("element"), text: only("text"), comments: only("comments") };
  }
  // feed runs the handlers over a batch of Go's tokens, pages of flat token entries (tokenValues),
  // and returns the output. Loops are indexed, each within a page, and handlers' answers awaited
  // only when they are promises: in goja each iterator step, await, and number past 127 costs
  // allocations, and a page has thousands of tokens.
  async feed(pages) {
    const out = new HTMLOutput();
    const on = this.rw._on, doc = this.rw._doc, one = this.one;
    const handlersFor = (matches, kind) => {
      if (matches === undefined) return noHandlers;
      if (typeof matches === "number") return one[kind][matches];
      const hs = [];
      for (let i = 0; i < matches.length; i++) { const h = on[matches[i]].handlers; if (h && typeof h[kind] === "function") hs.push(h); }
      return hs;
    };
    for (let n = 0; n < pages.length; n++) {
      const page = pages[n];
      for (let i = 0; i < page.length;) {
        const kind = page[i], at = i;
        if (typeof kind === "string") { if (!this.skipUntil) out.emit(kind); i++; continue; }
        i += htmlTokenHead + 4 * page[at + 7];
        const raw = page[at + 1], id = page[at + 3], matches = page[at + 5];
        if (this.skipUntil && !(kind === tokenEnd && id === this.skipUntil)) continue;
        switch (kind) {
          case tokenDoctype:
            for (const h of doc) if (h.doctype) { const p = h.doctype({ name: page[at + 6] || null, publicId: null, systemId: null }); if (thenable(p)) await p; }
            out.emit(raw);
            break;
          case tokenComment: {
            const c = new CommentChunk(raw.replace(/^<!--/, "").replace(/-->$/, ""), "comment");
            for (const h of doc) if (h.comments) { const p = h.comments(c); if (thenable(p)) await p; }
            for (const h of handlersFor(matches, "comments")) { const p = h.comments(c); if (thenable(p)) await p; }
            out.emit(c._out(c._changedText ? "<!--" + c._text + "-->" : raw));
            break;
          }
          case tokenText: {
            const hs = handlersFor(matches, "text");
            for (let last = 0; last < 2; last++) {
              const text = last ? "" : raw;
              const c = new TextChunk(text, "text", last);
              for (const h of doc) if (h.text) { const p = h.text(c); if (thenable(p)) await p; }
              for (let j = 0; j < hs.length; j++) { const p = hs[j].text(c); if (thenable(p)) await p; }
              out.emit(c._out(text));
            }
            break;
          }
          case tokenStart: {
            const hs = handlersFor(matches, "element");
            if (!hs.length) { out.emit(raw); break; }
            const isVoid = page[at + 4] & elementVoid, el = new Element(page, at);
            for (let j = 0; j < hs.length; j++) { const p = hs[j].element(el); if (thenable(p)) await p; }
            out.emit(el._before);
            if (el._removed || el._replaced !== null) {
              out.emit(el._replaced || "");
              if (isVoid) out.emit(el._after); else { this.skipUntil = id; this.open.set(id, el); }
              break;
            }
            if (!el._unwrapped) out.emit(el._startTag());
            out.emit(el._prepend);
            if (el._inner !== null) { out.emit(el._inner); if (!isVoid) this.skipUntil = id; }
            if (isVoid) out.emit(el._after); else this.open.set(id, el);
            break;
          }
          case tokenEnd: {
            if (this.skipUntil === id) this.skipUntil = 0;
            const el = id ? this.open.get(id) : undefined;
            if (!el) { out.emit(raw); break; }
            this.open.delete(id);
            if (el._removed || el._replaced !== null) { out.emit(el._after); break; }
            out.emit(el._append);
            const tag = raw && el._tag !== null && el._tag !== page[at + 2] ? "</" + el._tag + ">" : raw;
            if (!el._endHandlers) { if (!el._unwrapped) out.emit(tag); out.emit(el._after); break; }
            const end = { name: el.tagName, _before: "", _after: "", _removed: false,
              before(c, o) { this._before += htmlContent(c, o); return this; },
              after(c, o) { this._after = htmlContent(c, o) + this._after; return this; },
              remove() { this._removed = true; return this; } };
            for (const h of el._endHandlers) { const p = h(end); if (thenable(p)) await p; }
            out.emit(end._before + (el._unwrapped || end._removed ? "" : tag) + end._after + el._after);
            break;
          }
        }
      }
    }
    return out.text();
  }
  async end() {
    const parts = [];
    const end = { append(c, o) { parts.push(htmlContent(c, o)); return this; } };
    for (const h of this.rw._doc) if (h.end) await h.end(end);
    return parts.join("");
  }
}
define("HTMLRewriter", HTMLRewriter);
