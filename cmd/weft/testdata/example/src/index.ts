import { BUILD, render } from "./render";

interface Env {
  GREETING: string;
  FEATURES: { search: boolean; beta: string[] };
  API_KEY?: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/json") {
      return Response.json({ build: BUILD, greeting: env.GREETING, features: env.FEATURES, apiKey: env.API_KEY ? "set" : "unset" });
    }
    return new Response(render(env.GREETING, url.pathname));
  },
};
