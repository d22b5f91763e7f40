import { z } from "zod";
import type { CheerioAPI } from "cheerio";
import type { HttpResponse } from "../http.ts";
import type { ExtractedPosting } from "../posting.ts";
import { ScrapeError } from "../taxonomy.ts";
import { absoluteUrl } from "./parse.ts";
import { type Adapter, type AdapterName, type Cursor, defineAdapter } from "./types.ts";

/** Config shared by the HTML adapters: where the listing starts and how it paginates. */
export const listingConfig = {
  startUrl: z.url(),
  /** Pagination link. Default: `link[rel=next]` in the head or an `a[rel=next]`. */
  nextSelector: z.string().min(1).default('link[rel="next"], a[rel="next"]'),
  /**
   * Marks a page that says "no open positions". A first page with no postings and without this
   * marker is a `parsing` failure: the markup most likely changed.
   */
  emptyStateSelector: z.string().min(1).default("[data-empty-state]"),
  /** Guard against pagination loops. Default 200. */
  maxPages: z.number().int().min(1).default(200),
};

const listingCursor = z.object({ url: z.url(), page: z.number().int().min(1) });

/** Cursor of the page after `response`, or null on the last page (or past `maxPages`). */
function nextListingCursor(
  $: CheerioAPI,
  response: HttpResponse,
  cursor: z.output<typeof listingCursor>,
  config: { nextSelector: string; maxPages: number },
): Cursor | null {
  const next = absoluteUrl($(config.nextSelector).first().attr("href"), response.finalUrl);
  if (!next || next === response.finalUrl || cursor.page >= config.maxPages) return null;
  return { url: next, page: cursor.page + 1 };
}

/** Throws when a listing page shows neither postings nor an empty-state marker. */
function assertListingRecognised(
  $: CheerioAPI,
  response: HttpResponse,
  found: number,
  emptyStateSelector: string,
) {
  if (found === 0 && $(emptyStateSelector).length === 0) {
    throw new ScrapeError(
      "parsing",
      "no_postings_found",
      "listing page has no postings and no empty-state marker",
      {
        url: response.url,
      },
    );
  }
}

type ListingOptions = z.output<z.ZodObject<typeof listingConfig>>;

/**
 * An adapter for paginated HTML listings (css-selector, jsonld-html): starts at `startUrl`, reads
 * each listing page as HTML with `readListing` (postings on the page, or detail pages to fetch),
 * fails a page it does not recognise and follows the pagination link.
 */
export function defineHtmlListingAdapter<S extends z.ZodType<ListingOptions>>(spec: {
  name: AdapterName;
  configSchema: S;
  readListing(config: z.output<S>, $: CheerioAPI, response: HttpResponse): {
    items: ExtractedPosting[];
    detailUrls?: string[];
  };
  parseDetail?(config: z.output<S>, response: HttpResponse): ExtractedPosting[];
}): Adapter {
  return defineAdapter({
    name: spec.name,
    configSchema: spec.configSchema,
    cursorSchema: listingCursor,
    start: (cfg) => ({ url: cfg.startUrl, page: 1 }),
    async fetchPage(cfg, cursor, fetch) {
      const response = await fetch(cursor.url, "text/html");
      const $ = response.html();
      const found = spec.readListing(cfg, $, response);
      assertListingRecognised($, response, found.items.length + (found.detailUrls?.length ?? 0), cfg.emptyStateSelector);
      return { ...found, next: nextListingCursor($, response, cursor, cfg) };
    },
    parseDetail: spec.parseDetail,
  });
}
