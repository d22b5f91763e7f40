import { z } from "zod";
import type { CheerioAPI } from "cheerio";
import type { HttpResponse } from "../http.ts";
import { type ExtractedLocation, type ExtractedPosting, pickRaw } from "../posting.ts";
import { ScrapeError } from "../taxonomy.ts";
import { absoluteUrl, asList } from "./parse.ts";
import { defineHtmlListingAdapter, listingConfig } from "./html-pages.ts";

/**
 * Generic career site: listing pages (paginated by rel=next) link to detail pages (absolute or
 * relative links) and may carry schema.org `JobPosting` JSON-LD themselves; detail pages carry
 * it (`title`, `identifier`, `url`, `description` (HTML), `datePosted`, `validThrough`,
 * `employmentType`, `jobLocation` (Place or list, `address` a PostalAddress with
 * `addressLocality`, `addressRegion`, `addressCountry`), `jobLocationType` TELECOMMUTE,
 * `baseSalary` (MonetaryAmount: `currency`, `value` QuantitativeValue `minValue`/`maxValue`/`value`
 * /`unitText`), `hiringOrganization`, `employmentUnit` for the department). Nodes are found at the
 * top level, in arrays, in `@graph` and inside ItemList elements; `{"@id": ...}` references
 * (hiring organization, places, addresses) are resolved within the page.
 * Sources: schema.org/JobPosting; Google Search Central "Job posting structured data".
 */
const config = z.object({
  ...listingConfig,
  /**
   * Links from a listing page to detail pages. The default matches absolute and relative links
   * to job pages: "https://x/jobs/1", "/jobs/1", "jobs/1", "./job-1".
   */
  linkSelector: z.string().min(1).default('a[href*="/job"], a[href^="job"], a[href^="./job"]'),
  /** Only follow detail links on the listing's own origin. Default true. */
  sameOriginOnly: z.boolean().default(true),
});

export const JSONLD_RAW_FIELDS = ["datePosted", "validThrough", "jobLocationType", "directApply"];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(node: Json, type: string): boolean {
  return asList(node["@type"]).includes(type);
}

/** The JSON-LD of one page: its JobPosting nodes and every node with an `@id`. */
interface Graph {
  postings: Json[];
  ids: Map<string, Json>;
}

function collect(value: unknown, graph: Graph, depth = 0): void {
  if (depth > 12) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, graph, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  const id = value["@id"];
  // A node that only says {"@id": ...} is a reference, not the definition.
  if (typeof id === "string" && Object.keys(value).length > 1) graph.ids.set(id, value);
  if (hasType(value, "JobPosting")) graph.postings.push(value);
  for (const [key, child] of Object.entries(value)) {
    if (key !== "@context" && typeof child === "object") collect(child, graph, depth + 1);
  }
}

function resolve(value: unknown, ids: Map<string, Json>): unknown {
  if (isObject(value) && typeof value["@id"] === "string" && Object.keys(value).length === 1) {
    return ids.get(value["@id"]) ?? value;
  }
  return value;
}

function name(value: unknown, ids: Map<string, Json>): unknown {
  const node = resolve(value, ids);
  return isObject(node) ? node.name : node;
}

function locations(posting: Json, ids: Map<string, Json>): ExtractedLocation[] {
  return asList(posting.jobLocation).flatMap((entry): ExtractedLocation[] => {
    const place = resolve(entry, ids);
    if (!isObject(place)) return typeof place === "string" ? [{ name: place }] : [];
    const address = resolve(place.address, ids);
    if (typeof address === "string") return [{ name: address }];
    if (!isObject(address)) return [{ name: place.name }];
    return [{
      city: address.addressLocality,
      region: address.addressRegion,
      country: name(address.addressCountry, ids),
    }];
  });
}

function salary(posting: Json) {
  const amount = posting.baseSalary;
  if (!isObject(amount)) return undefined;
  const value = amount.value;
  if (isObject(value)) {
    return {
      min: value.minValue ?? value.value,
      max: value.maxValue ?? value.value,
      currency: amount.currency,
      period: value.unitText,
    };
  }
  return { min: value, max: value, currency: amount.currency, period: amount.unitText };
}

function externalId(posting: Json): unknown {
  const identifier = posting.identifier;
  return isObject(identifier) ? identifier.value : identifier;
}

function toExtracted(posting: Json, pageUrl: string, ids: Map<string, Json>): ExtractedPosting {
  const url = typeof posting.url === "string" ? absoluteUrl(posting.url, pageUrl) : pageUrl;
  const remote = posting.jobLocationType === "TELECOMMUTE";
  const places = locations(posting, ids);
  const organization = name(posting.hiringOrganization, ids);
  return {
    externalId: externalId(posting) ?? url,
    title: posting.title,
    url,
    locations: places,
    department: name(posting.employmentUnit, ids),
    descriptionHtml: posting.description,
    // Google: TELECOMMUTE alone is fully remote; with a jobLocation too, remote or in the office.
    workplaceType: remote ? (places.length > 0 ? "hybrid" : "remote") : undefined,
    employmentType: asList(posting.employmentType)[0],
    salary: salary(posting),
    postedAt: posting.datePosted,
    validThrough: posting.validThrough,
    raw: {
      ...pickRaw(posting, JSONLD_RAW_FIELDS),
      ...(typeof organization === "string" ? { hiringOrganization: organization } : {}),
    },
  };
}

/** The JSON-LD of a page. `strict`: a malformed block is a parsing failure (detail pages). */
function readGraph($: CheerioAPI, response: HttpResponse, strict: boolean): Graph {
  const graph: Graph = { postings: [], ids: new Map() };
  for (const script of $('script[type="application/ld+json"]').toArray()) {
    try {
      collect(JSON.parse($(script).text()), graph);
    } catch (error) {
      if (!strict) continue; // a listing page still has its links
      throw new ScrapeError("parsing", "invalid_jsonld", `malformed JSON-LD: ${(error as Error).message}`, {
        url: response.url,
      });
    }
  }
  return graph;
}

export function parseJsonLdPostings(response: HttpResponse): ExtractedPosting[] {
  const graph = readGraph(response.html(), response, true);
  if (graph.postings.length === 0) {
    throw new ScrapeError("parsing", "no_jobposting", "detail page has no JobPosting JSON-LD", {
      url: response.url,
    });
  }
  return graph.postings.map((posting) => toExtracted(posting, response.finalUrl, graph.ids));
}

export const jsonLdHtml = defineHtmlListingAdapter({
  name: "jsonld-html",
  configSchema: config,
  readListing(cfg, $, response) {
    const graph = readGraph($, response, false);
    const items = graph.postings.map((posting) => toExtracted(posting, response.finalUrl, graph.ids));
    // Postings the listing already describes are not fetched again.
    const known = new Set(items.map((item) => item.url));
    const origin = new URL(response.finalUrl).origin;
    const links = new Set<string>();
    for (const anchor of $(cfg.linkSelector).toArray()) {
      const url = absoluteUrl($(anchor).attr("href"), response.finalUrl);
      if (url && !known.has(url) && (!cfg.sameOriginOnly || new URL(url).origin === origin)) links.add(url);
    }
    return { items, detailUrls: [...links] };
  },
  parseDetail: (_cfg, response) => parseJsonLdPostings(response),
});
