import { z } from "zod";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { HttpResponse } from "../http.ts";
import type { ExtractedPosting } from "../posting.ts";
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
 * and counts it instead of the whole page failing.
 */
export function extractItems<S extends z.ZodType>(
  records: readonly unknown[],
  item: S,
  map: (record: z.output<S>) => Omit<ExtractedPosting, "raw">,
): ExtractedPosting[] {
  return records.map((record) => {
    const parsed = item.safeParse(record);
    return parsed.success ? { ...map(parsed.data), raw: record } : { raw: record };
  });
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

/** Joins the non-empty parts of a location ("Berlin, DE"). */
export function joinParts(...parts: unknown[]): string | undefined {
  const kept = parts.filter((part): part is string => typeof part === "string" && part.trim() !== "");
  return kept.length > 0 ? kept.join(", ") : undefined;
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
