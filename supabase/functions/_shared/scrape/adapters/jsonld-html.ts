import { z } from "zod";
import type { HttpResponse } from "../http.ts";
import type { ExtractedPosting } from "../posting.ts";
import { ScrapeError } from "../taxonomy.ts";
import { absoluteUrl, joinParts } from "./parse.ts";
import { defineHtmlListingAdapter, listingConfig } from "./html-pages.ts";

/**
 * Generic career site: listing pages (paginated by rel=next) link to detail pages that carry a
 * schema.org `JobPosting` as JSON-LD (`title`, `identifier`, `url`, `datePosted`,
 * `jobLocation.address.{addressLocality,addressRegion,addressCountry}`, `jobLocationType`,
 * `employmentUnit` for the department, `hiringOrganization` ...).
 */
const config = z.object({
  ...listingConfig,
  /** Links from a listing page to detail pages. */
  linkSelector: z.string().min(1).default('a[href*="/job"]'),
  /** Only follow detail links on the listing's own origin. Default true. */
  sameOriginOnly: z.boolean().default(true),
});

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(node: Json, type: string): boolean {
  const value = node["@type"];
  return value === type || (Array.isArray(value) && value.includes(type));
}

/** JobPosting nodes of one JSON-LD document: top level, arrays and `@graph`. */
function jobPostings(document: unknown): Json[] {
  const nodes = Array.isArray(document) ? document : [document];
  return nodes.flatMap((node) => {
    if (!isObject(node)) return [];
    if (Array.isArray(node["@graph"])) return jobPostings(node["@graph"]);
    return hasType(node, "JobPosting") ? [node] : [];
  });
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isObject(value) && typeof value.name === "string") return value.name;
  return undefined;
}

function location(posting: Json): string | undefined {
  const places = Array.isArray(posting.jobLocation) ? posting.jobLocation : [posting.jobLocation];
  const names = places.flatMap((place) => {
    if (!isObject(place)) return [];
    const address = place.address;
    if (typeof address === "string") return [address];
    if (!isObject(address)) return text(place) ? [text(place) as string] : [];
    const joined = joinParts(address.addressLocality, address.addressRegion, text(address.addressCountry));
    return joined ? [joined] : [];
  });
  if (names.length > 0) return names.join("; ");
  return posting.jobLocationType === "TELECOMMUTE" ? "Remote" : undefined;
}

function externalId(posting: Json): unknown {
  const identifier = posting.identifier;
  if (isObject(identifier)) return identifier.value;
  return identifier;
}

function toExtracted(posting: Json, pageUrl: string): ExtractedPosting {
  const url = typeof posting.url === "string" ? absoluteUrl(posting.url, pageUrl) : pageUrl;
  return {
    externalId: externalId(posting) ?? url,
    title: posting.title,
    url,
    location: location(posting),
    department: text(posting.employmentUnit),
    postedAt: posting.datePosted,
    raw: posting,
  };
}

export function parseJsonLdPostings(response: HttpResponse): ExtractedPosting[] {
  const $ = response.html();
  const postings: Json[] = [];
  for (const script of $('script[type="application/ld+json"]').toArray()) {
    let document: unknown;
    try {
      document = JSON.parse($(script).text());
    } catch (error) {
      throw new ScrapeError("parsing", "invalid_jsonld", `malformed JSON-LD: ${(error as Error).message}`, {
        url: response.url,
      });
    }
    postings.push(...jobPostings(document));
  }
  if (postings.length === 0) {
    throw new ScrapeError("parsing", "no_jobposting", "detail page has no JobPosting JSON-LD", {
      url: response.url,
    });
  }
  return postings.map((posting) => toExtracted(posting, response.finalUrl));
}

export const jsonLdHtml = defineHtmlListingAdapter({
  name: "jsonld-html",
  configSchema: config,
  readListing(cfg, $, response) {
    const origin = new URL(response.finalUrl).origin;
    const links = new Set<string>();
    for (const anchor of $(cfg.linkSelector).toArray()) {
      const url = absoluteUrl($(anchor).attr("href"), response.finalUrl);
      if (url && (!cfg.sameOriginOnly || new URL(url).origin === origin)) links.add(url);
    }
    return { items: [], detailUrls: [...links] };
  },
  parseDetail: (_cfg, response) => parseJsonLdPostings(response),
});
