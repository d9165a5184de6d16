// @case {"requests":[{"path":"/"}]}
export default {
  fetch() {
    const out = { btoa: btoa("hello\u00ff"), atob: atob("aGVsbG8="), noPad: atob("aGk"), spaces: atob(" aG Vs\nbG8= ") };
    const tryIt = (name, f) => { try { out[name] = f(); } catch (e) { out[name] = e.name; } };
    tryIt("wide", () => btoa("✓"));
    tryIt("badChar", () => atob("a*b"));
    tryIt("badLength", () => atob("a"));
    tryIt("nullish", () => btoa(null));
    tryIt("num", () => btoa(12));
    return Response.json(out);
  },
};
