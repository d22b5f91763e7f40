// Hash routes (#/runs?status=failed): a static host needs no rewrite rules.
import { useEffect, useState } from "react";

export interface Route {
  path: string;
  segments: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, segments: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function href(path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "");
  const search = new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString();
  return `#${path}${search ? `?${search}` : ""}`;
}

export function navigate(path: string, params: Record<string, string | number | undefined | null> = {}, replace = false) {
  const target = href(path, params);
  if (replace) history.replaceState(null, "", target);
  else location.hash = target;
  if (replace) dispatchEvent(new HashChangeEvent("hashchange"));
}
