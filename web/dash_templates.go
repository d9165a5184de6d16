package web

import (
	"github.com/weft-dev/weft/runtime"
	"github.com/weft-dev/weft/views"
)

// serviceTemplate is a starting point offered when a service is created in the dashboard.
type serviceTemplate struct {
	views.TemplateOption
	Modules []runtime.Module
}

var serviceTemplates = []serviceTemplate{
	{views.TemplateOption{ID: "hello", Label: "Hello world", Description: "a fetch handler that answers with text"},
		[]runtime.Module{{Name: "index.js", Content: `export default {
  async fetch(request, env, ctx) {
    return new Response("Hello world!");
  },
};
`}}},
	{views.TemplateOption{ID: "json-api", Label: "JSON API", Description: "reads JSON, answers JSON, with errors as JSON"},
		[]runtime.Module{{Name: "index.js", Content: `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "POST") {
      let body;
      try {
        body = await request.json();
      } catch {
        return Response.json({ error: "send a JSON body" }, { status: 400 });
      }
      return Response.json({ received: body, at: new Date().toISOString() }, { status: 201 });
    }
    return Response.json({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
  },
};
`}}},
	{views.TemplateOption{ID: "router", Label: "Router", Description: "routes by method and path, in two modules"},
		[]runtime.Module{{Name: "index.js", Content: `import { route } from "./routes.js";

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const handler = route(request.method, url.pathname);
    if (!handler) return new Response("Not found", { status: 404 });
    return handler(request, env, ctx);
  },
};
`}, {Name: "routes.js", Content: `const routes = {
  "GET /": () => new Response("Home"),
  "GET /health": () => Response.json({ ok: true }),
  "POST /echo": async (request) => new Response(await request.text()),
};

export function route(method, path) {
  return routes[method + " " + path];
}
`}}},
	{views.TemplateOption{ID: "blank", Label: "Blank", Description: "no code yet: write it in Quick Edit"}, nil},
}

func findTemplate(id string) (serviceTemplate, bool) {
	for _, t := range serviceTemplates {
		if t.ID == id {
			return t, true
		}
	}
	return serviceTemplate{}, false
}

func templateOptions() []views.TemplateOption {
	out := make([]views.TemplateOption, len(serviceTemplates))
	for i, t := range serviceTemplates {
		out[i] = t.TemplateOption
	}
	return out
}
