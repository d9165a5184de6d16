// @case {"requests":[{"path":"/"}]}
const page = `<div class="a">old <i>inner</i></div><div class="b">keep</div><div class="c">x</div><img src="a.png"><p class="d">text</p><p class="e">gone</p>`;
export default {
  fetch() {
    return new HTMLRewriter()
      .on("div.a", { element(e) { e.setInnerContent("<b>new</b> & <i>safe</i>", { html: true }); } })
      .on("div.b", { element(e) { e.setInnerContent("<b>escaped</b> & more"); e.prepend("[", { html: false }); e.append("]"); } })
      .on("div.c", { element(e) { e.before("<hr>", { html: true }); e.after("<br>", { html: true }); e.tagName = "section"; } })
      .on("img", { element(e) { e.setAttribute("alt", 'a "quoted" <alt>'); e.removeAttribute("src"); e.setAttribute("loading", "lazy"); } })
      .on("p.d", { element(e) { e.replace("<span>replaced</span>", { html: true }); } })
      .on("p.e", { element(e) { e.remove(); } })
      .transform(new Response(page, { headers: { "content-type": "text/html;charset=utf-8", "x-kept": "yes" } }));
  },
};
