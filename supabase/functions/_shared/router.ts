// A tiny router: `GET /jobs/:id/logs` style patterns matched against the path
// after the function name (Supabase passes /<function>/<rest>). Handlers get
// the request, path params, URL and whatever context the function adds
// (e.g. the authenticated caller).
import { errorResponse } from "./http.ts";

export type Params = Record<string, string>;

export interface RouteContext {
  request: Request;
  params: Params;
  url: URL;
}

export type RouteHandler<C> = (ctx: RouteContext & C) => Promise<Response> | Response;

interface Route<C> {
  method: string;
  parts: string[];
  handler: RouteHandler<C>;
}

export class Router<C = Record<never, never>> {
  #routes: Route<C>[] = [];

  constructor(readonly functionName: string) {}

  on(method: string, pattern: string, handler: RouteHandler<C>): this {
    this.#routes.push({ method, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /** The matching route's response; 404 for an unknown path, 405 for a known path with another method. */
  async handle(request: Request, context: C): Promise<Response> {
    const url = new URL(request.url);
    const segments = url.pathname.split("/").filter(Boolean);
    if (segments[0] === this.functionName) segments.shift();
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const params = match(route.parts, segments);
      if (!params) continue;
      if (route.method !== request.method) {
        allowed.push(route.method);
        continue;
      }
      return await route.handler({ ...context, request, params, url });
    }
    if (allowed.length) return errorResponse(405, "method_not_allowed", `use ${allowed.join(" or ")}`);
    return errorResponse(404, "not_found", `no route ${request.method} ${url.pathname}`);
  }
}

function match(parts: string[], segments: string[]): Params | null {
  if (parts.length !== segments.length) return null;
  const params: Params = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(":")) params[parts[i].slice(1)] = decodeURIComponent(segments[i]);
    else if (parts[i] !== segments[i]) return null;
  }
  return params;
}
