// A tiny router: `GET /jobs/:id/logs` style patterns matched against the path
// after the function name (Supabase passes /<function>/<rest>). Handlers get
// the request, path params, URL and whatever context the function adds
// (e.g. the authenticated caller), and the query parsed by the route's
// schema (a route without one takes no query parameters: any is a 400).
// Path segments and query parameters are text that the router checks once for
// every route: malformed percent-encoding and text PostgreSQL cannot store
// are a 400 before any handler runs.
import type { z } from "zod";
import { invalidInput } from "./api.ts";
import { errorResponse } from "./http.ts";
import { noQuery, parseQuery, unstorableText } from "./validation.ts";

export type Params = Record<string, string>;

export interface RouteContext<Q = Record<never, never>> {
  request: Request;
  params: Params;
  url: URL;
  query: Q;
}

export type RouteHandler<C, Q = Record<never, never>> = (ctx: RouteContext<Q> & C) => Promise<Response> | Response;

interface Route<C> {
  method: string;
  parts: string[];
  handler: RouteHandler<C, unknown>;
  query: z.ZodType;
}

export class Router<C = Record<never, never>> {
  #routes: Route<C>[] = [];

  constructor(readonly functionName: string) {}

  on<Q = Record<never, never>>(
    method: string,
    pattern: string,
    handler: RouteHandler<C, Q>,
    query: z.ZodType<Q, unknown> = noQuery as unknown as z.ZodType<Q, unknown>,
  ): this {
    this.#routes.push({ method, parts: pattern.split("/").filter(Boolean), handler: handler as RouteHandler<C, unknown>, query });
    return this;
  }

  /** The matching route's response; 404 for an unknown path, 405 for a known path with another method. */
  async handle(request: Request, context: C): Promise<Response> {
    const url = new URL(request.url);
    checkQuery(url);
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
      return await route.handler({ ...context, request, params, url, query: parseQuery(url, route.query) });
    }
    if (allowed.length) return errorResponse(405, "method_not_allowed", `use ${allowed.join(" or ")}`);
    return errorResponse(404, "not_found", `no route ${request.method} ${url.pathname}`);
  }
}

function match(parts: string[], segments: string[]): Params | null {
  if (parts.length !== segments.length) return null;
  const params: Params = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(":")) params[parts[i].slice(1)] = decodeSegment(parts[i].slice(1), segments[i]);
    else if (parts[i] !== segments[i]) return null;
  }
  return params;
}

function decodeSegment(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw invalidInput({ [name]: ["malformed percent-encoding in the path"] });
  }
  const problem = unstorableText(value);
  if (problem) throw invalidInput({ [name]: [problem] });
  return value;
}

/** URLSearchParams decodes leniently (bad escapes stay literal); what it yields must still be storable. */
function checkQuery(url: URL): void {
  const fields: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    const problem = unstorableText(key) ?? unstorableText(value);
    if (problem) (fields[unstorableText(key) ? "(query parameter name)" : key] ??= []).push(problem);
  }
  if (Object.keys(fields).length) throw invalidInput(fields, "the query string has values that cannot be stored");
}
