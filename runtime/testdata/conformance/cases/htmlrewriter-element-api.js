// @case {"requests":[{"path":"/"}]}
// The Element API a handler reads: attribute lookup by any case, the attributes iterator as the
// document and the handler's changes leave it, namespaceURI, removed, attribute values escaped when
// the start tag is written again, and selfClosing and canHaveContent, which workerd does not have.
const page = `<html><body><p ID="a" Class="x y" data-q='say "hi" &amp; go'>p</p><br/><img src="i.png" alt=x /><input disabled><div data-k="1">d</div><hr></body></html>`;
export default {
  fetch() {
    const seen = [];
    const read = (e) => ({
      tag: e.tagName, id: e.getAttribute("ID"), id2: e.getAttribute("id"), cls: e.getAttribute("class"),
      q: e.getAttribute("data-q"), none: e.getAttribute("nope"), hasID: e.hasAttribute("Id"), hasNone: e.hasAttribute("nope"),
      attrs: [...e.attributes], selfClosing: e.selfClosing, canHaveContent: e.canHaveContent,
      ns: e.namespaceURI, removed: e.removed,
    });
    return new HTMLRewriter()
      .on("*", {
        element(e) {
          const before = read(e);
          if (e.tagName === "p") { e.setAttribute("ID", "b"); e.setAttribute("data-new", `a&b "c"`); e.removeAttribute("CLASS"); }
          if (e.tagName === "img") { e.setAttribute("alt", "y"); }
          if (e.tagName === "div") { e.removeAttribute("data-k"); e.remove(); }
          seen.push({ before, after: { attrs: [...e.attributes], id: e.getAttribute("id"), removed: e.removed } });
        },
      })
      .onDocument({ end(end) { end.append(JSON.stringify(seen), { html: true }); } })
      .transform(new Response(page, { headers: { "content-type": "text/html" } }));
  },
};
