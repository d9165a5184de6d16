// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const out = {};
    out.idna = new URL("https://münchen.de/").hostname;
    out.idnaUpper = new URL("https://MÜNCHEN.DE/").hostname;
    out.emoji = new URL("https://☃.net/").hostname;
    out.punyIn = new URL("https://xn--mnchen-3ya.de/").hostname;
    out.lower = new URL("HTTPS://EXAMPLE.COM/PATH").href;
    out.trailingDot = new URL("https://example.com./").hostname;
    out.canParse = [URL.canParse("https://a.com"), URL.canParse("nope"), URL.canParse("/x", "https://a.com"), URL.canParse("http://[::1")];
    out.spaceHost = URL.canParse("https://a b.com/");
    out.percentHost = new URL("https://%41.com/").hostname;
    out.port = [URL.canParse("https://a.com:65535/"), URL.canParse("https://a.com:65536/")];
    return Response.json(out);
  },
};
