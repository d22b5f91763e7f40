// Every read and action goes through the edge functions; this is the one
// place that calls them and turns their error shape into an ApiError.
import { FunctionsHttpError } from "@supabase/supabase-js";
import type { Auth } from "./session.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let auth: Auth;

export function setAuth(value: Auth) {
  auth = value;
}

export function getAuth(): Auth {
  return auth;
}

export function functionsUrl(path: string): string {
  return `${auth.config.supabaseUrl}/functions/v1/${path}`;
}

export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : "";
}

export async function api<T>(path: string, options: { method?: "GET" | "POST" | "DELETE"; body?: unknown } = {}): Promise<T> {
  const { data, error } = await auth.client.functions.invoke(path, {
    method: options.method ?? "GET",
    body: options.body as Record<string, unknown> | undefined,
  });
  if (error) {
    if (error instanceof FunctionsHttpError) {
      const response = error.context as Response;
      const body = await response.json().catch(() => null);
      const detail = body?.error ?? {};
      throw new ApiError(response.status, detail.code ?? "http_error", detail.message ?? body?.message ?? error.message, detail);
    }
    throw new ApiError(0, "network", error.message);
  }
  return data as T;
}

/** A text resource (e.g. a job's log as TXT), with the caller's token. */
export async function fetchText(path: string): Promise<string> {
  const token = await auth.token();
  const response = await fetch(functionsUrl(path), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new ApiError(response.status, "http_error", await response.text());
  return await response.text();
}
