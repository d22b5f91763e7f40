import { z } from "zod";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { HttpResponse } from "../http.ts";
import { type ExtractedPosting, pickRaw } from "../posting.ts";
import { ScrapeError } from "../taxonomy.ts";

/** Parses a JSON body and checks its envelope; both failures are `parsing` (the source changed or broke). */
export function parseJsonEnvelope<S extends z.ZodType>(response: HttpResponse, envelope: S): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(response.body);
  } catch (error) {
    throw new ScrapeError("parsing", "invalid_json", `malformed JSON: ${(error as Error).message}`, {
      url: response.url,
    });
  }
  return checkShape(response, envelope, data);
}

export function checkShape<S extends z.ZodType>(
  response: HttpResponse,
  shape: S,
  data: unknown,
): z.output<S> {
  const parsed = shape.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ScrapeError(
      "parsing",
      "unexpected_shape",
      `response does not have the expected structure (${first?.path.join(".") || "root"}: ${first?.message})`,
      { url: response.url },
    );
  }
  return parsed.data;
}

/**
 * Maps source records through a tolerant item schema. A record that does not even fit it
 * (e.g. a string where an object belongs) still becomes a candidate, so validation rejects
 * and counts it instead of the whole page failing. Only the `rawFields` of a record (the
 * adapter's documented allow-list, scalar values only) are kept as its raw record.
 */
export function extractItems<S extends z.ZodType>(
  records: readonly unknown[],
  item: S,
  rawFields: readonly string[],
  map: (record: z.output<S>) => Omit<ExtractedPosting, "raw">,
): ExtractedPosting[] {
  return records.map((record) => {
    const parsed = item.safeParse(record);
    const raw = pickRaw(record, rawFields);
    return parsed.success ? { ...map(parsed.data), raw } : { raw };
  });
}

/** A value as a list: arrays as they are, a single value as one element, nothing as none. */
export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null || value === "" ? [] : [value];
}

/** Sections of a description as HTML: a heading per section, empty sections left out. */
export function sectionsHtml(sections: readonly { title?: unknown; html?: unknown }[]): string | undefined {
  const parts = sections.flatMap(({ title, html }) => {
    if (typeof html !== "string" || html.trim() === "") return [];
    return [typeof title === "string" && title.trim() !== "" ? `<h3>${escapeHtml(title)}</h3>${html}` : html];
  });
  return parts.length > 0 ? parts.join("\n") : undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Parses an XML body; truncated or otherwise broken XML is a `parsing` failure. */
export function parseXml(response: HttpResponse, arrayPaths: readonly string[]): unknown {
  const valid = XMLValidator.validate(response.body);
  if (valid !== true) {
    throw new ScrapeError(
      "parsing",
      "invalid_xml",
      `malformed XML: ${valid.err.msg} (line ${valid.err.line})`,
      { url: response.url },
    );
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    // Ids stay strings: "007" and 7 are different ids.
    parseTagValue: false,
    trimValues: true,
    isArray: (_name, jpath) => arrayPaths.includes(String(jpath)),
  });
  return parser.parse(response.body);
}

/** Resolves an href against the page it was found on; null for empty, script or non-http links. */
export function absoluteUrl(href: string | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const url = new URL(href, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Removes a trailing slash so that `baseUrl + "/path"` never doubles it. */
export function trimSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

/** A record field as sources send it: anything, or missing. Validation decides later. */
export const field = z.unknown().optional();
