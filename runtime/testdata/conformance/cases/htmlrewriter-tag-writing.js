// @case {"requests":[{"path":"/"}]}
// How a changed start tag is written back: the tag's and attributes' spelling, quoting and spacing
// as written where untouched; set values quoted; a renamed element's end tag; and what
// setAttribute refuses as a name.
const page = `<html><body><DIV Class=a  title='t'>d</DIV><SPAN id=s>s</SPAN><i  a='1'  >i</i><b a="1"/><u x=1 y=2 z=3>u</u><q>q</q></body></html>`;
export default {
  fetch() {
    const errors = [];
    return new HTMLRewriter()
      .on("div", { element(e) { e.setAttribute("data-x", 1); e.setAttribute("TITLE", null); } })
      .on("span", { element(e) { e.tagName = "em"; } })
      .on("i", { element(e) { e.removeAttribute("absent"); } })
      .on("b", { element(e) { e.setAttribute("a", "2"); } })
      .on("u", { element(e) { e.removeAttribute("Y"); e.setAttribute("z", "<&>'"); } })
      .on("q", {
        element(e) {
          for (const name of ["", "a b", "a>b", "a=b", "a/b", "a\tb"]) {
            try { e.setAttribute(name, "v"); errors.push([name, "no error"]); } catch (err) { errors.push([name, String(err)]); }
          }
          errors.push(["has", e.hasAttribute("a b"), e.getAttribute(5)]);
        },
      })
      .onDocument({ end(end) { end.append(JSON.stringify(errors), { html: true }); } })
      .transform(new Response(page, { headers: { "content-type": "text/html" } }));
  },
};
