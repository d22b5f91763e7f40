// The one merge of run counters: the harness adds up metric increments between
// heartbeats with it, the scraper the counters of a checkpointed run's
// invocations. It adds the way ops_private.add_scrape_metrics does: numbers
// add up, booleans OR, nested objects (portal_stats) merge, anything else: the
// later value wins.

export function mergeMetrics<T extends object>(a: T, b: T): T;
export function mergeMetrics<T extends object>(a: T | undefined, b: T | undefined): T | undefined;
export function mergeMetrics<T extends object>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = { ...a } as Record<string, unknown>;
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (typeof value === "number" && typeof prev === "number") out[key] = prev + value;
    else if (typeof value === "boolean" && typeof prev === "boolean") out[key] = prev || value;
    else if (isObject(value) && isObject(prev)) out[key] = mergeMetrics(prev, value);
    else out[key] = value;
  }
  return out as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
