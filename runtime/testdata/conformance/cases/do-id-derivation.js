// @case {"durableObjects":{"NS":"Obj"},"requests":[{"path":"/"}]}
export class Obj { async fetch() { return new Response("x"); } }
export default {
  async fetch(request, env) {
    const a = env.NS.idFromName("alpha"), a2 = env.NS.idFromName("alpha"), b = env.NS.idFromName("beta");
    const u = env.NS.newUniqueId();
    let bad;
    try { env.NS.idFromString("not-an-id"); } catch (err) { bad = err.constructor.name; }
    return Response.json({
      same: a.equals(a2), stringSame: a.toString() === a2.toString(), differ: !a.equals(b), name: a.name,
      roundTrip: env.NS.idFromString(a.toString()).equals(a), uniqueLen: u.toString().length, hex: /^[0-9a-f]+$/.test(a.toString()), bad,
    });
  },
};
