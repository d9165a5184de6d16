// @case {"requests":[{"path":"/"}]}
const page = `<html><body><div id="main" class="a b"><p data-x="one">1</p><p data-x="two-x">2</p><p>3</p><span lang="en-US">s</span><a href="https://x.com/a.pdf">pdf</a><a href="/local">local</a></div><ul><li>i1</li><li>i2</li><li>i3</li><li>i4</li></ul><section><div><em>deep</em></div></section></body></html>`;
export default {
  fetch() {
    const mark = (label) => ({ element(e) { e.setAttribute("data-m", (e.getAttribute("data-m") || "") + label); } });
    return new HTMLRewriter()
      .on("p[data-x]", mark("has"))
      .on('p[data-x="one"]', mark("eq"))
      .on('p[data-x^="tw"]', mark("pre"))
      .on('p[data-x$="-x"]', mark("suf"))
      .on('p[data-x*="o-"]', mark("sub"))
      .on('span[lang|="en"]', mark("dash"))
      .on('a[href$=".pdf"]', mark("pdf"))
      .on("li:nth-child(2n)", mark("even"))
      .on("li:first-child", mark("first"))
      .on("li:not(:first-child)", mark("notfirst"))
      .on("div > p", mark("child"))
      .on("section em", mark("desc"))
      .on("#main", mark("id"))
      .on(".a.b", mark("cls"))
      .on("*", { element(e) { if (e.tagName === "em") e.setAttribute("data-star", "y"); } })
      .transform(new Response(page, { headers: { "content-type": "text/html" } }));
  },
};
