// @case {"requests":[{"path":"/"}]}
const page = `<!DOCTYPE html><html><body><ul><li>one</li><li class="x">two</li><li>three</li></ul><div><p>child</p><section><p>deep</p></section></div><!-- c --><img src="a.png"><span>keep <b>me</b></span></body></html>`;
export default {
  async fetch() {
    const res = new Response(page, { headers: { "content-type": "text/html" } });
    return new HTMLRewriter()
      .on("li:nth-child(2)", { element(e) { e.setAttribute("data-n", "2"); } })
      .on("li:not(.x)", { text(t) { if (t.text) t.replace(t.text.toUpperCase()); } })
      .on("div > p", { element(e) { e.setInnerContent("<em>inner</em>", { html: true }); } })
      .on("section", { element(e) { e.before("[").after("]"); } })
      .on("img", { element(e) { e.removeAttribute("src"); e.setAttribute("alt", 'a "q"'); } })
      .on("span", { element(e) { e.removeAndKeepContent(); } })
      .on("ul", { element(e) { e.onEndTag((end) => { end.before("<li>four</li>", { html: true }); }); } })
      .onDocument({ comments(c) { c.remove(); }, end(end) { end.append("<!-- end -->", { html: true }); } })
      .transform(res);
  },
};
